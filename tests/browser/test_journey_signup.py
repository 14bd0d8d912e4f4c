"""Journey 1: a newcomer signs up, confirms from the email, onboards, finds a circle, joins."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from members.models import User
from tests.browser.helpers import check_page, link_in_last_email, person, role, sign_in
from tests.factories import PASSWORD, CircleFactory, FacilitatorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Account emails are sent by a task: here it runs as soon as it is published.
    pytest.mark.usefixtures("tasks_run_at_once"),
]


def test_newcomer_signs_up_confirms_onboards_and_joins_a_circle(page):
    nurse = role("Ward manager / senior nurse")
    matron = role("Matron")
    staffing = CircleFactory(
        name="Safer staffing on the ward", slug="safer-staffing", join_policy="open"
    )
    staffing.roles.add(nurse)
    FacilitatorFactory(circle=staffing, member=person("Grace Facilitator", nurse))
    CircleFactory(name="Matrons' forum", slug="matrons", join_policy="open").roles.add(matron)

    # A visitor reads what the school is and decides to join.
    page.goto("/")
    check_page(page, heading="Learn with peers")
    page.get_by_role("main").get_by_role("link", name="Join the school").click()
    check_page(page, heading=f"Join {settings.SITE_NAME}")

    # Signs up with email and password.
    page.get_by_label("Email").fill("asha.nurse@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create your account").click()
    page.wait_for_url("**/accounts/confirm-email/")
    check_page(page, heading="Check your email")

    # Opens the confirmation link from the email and confirms.
    page.goto(link_in_last_email(to="asha.nurse@example.org", pattern="/accounts/confirm-email/"))
    check_page(page, heading="Confirm your email address")
    page.get_by_role("button", name="Confirm").click()

    # Onboarding comes first: name, role(s), organisation, time zone, then the dashboard.
    page.wait_for_url(lambda url: "/me/onboarding/" in url)
    check_page(page, heading="Tell us about your work")
    flashes = page.get_by_role("status")
    expect(flashes).to_contain_text("asha.nurse@example.org is confirmed")
    expect(flashes).not_to_contain_text("Successfully signed in as")
    # The name is asked for, not guessed from the email address.
    name = page.get_by_label("Name shown to your circles")
    expect(name).to_have_value("")
    expect(name).to_have_accessible_description(re.compile("as your colleagues know you"))
    # Time zones are places, the school's first and chosen; no "Factory" or "Etc/GMT+5".
    zones = page.get_by_label("Time zone")
    expect(zones).to_have_value(settings.TIME_ZONE)
    expect(zones.locator("option").first).to_have_attribute("value", settings.TIME_ZONE)
    for junk in ["Factory", "localtime", "Etc/GMT+5", "US/Eastern"]:
        expect(zones.locator(f'option[value="{junk}"]')).to_have_count(0)
    # Submitting without a role is refused with a clear message that names the field.
    page.get_by_role("button", name="Save and continue").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("Pick at least one role")).to_be_visible()
    expect(summary).to_be_focused()  # the next Tab reaches the link to the field
    check_page(page, heading="Tell us about your work")

    page.get_by_label("Name shown to your circles").fill("Asha")
    page.get_by_label(nurse.name).check()
    page.get_by_label("Organisation", exact=True).fill("St Mary's Hospital, Leeds")
    page.get_by_label("Sector", exact=True).select_option("health")
    zones.select_option(label="New York")
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/dashboard/")
    check_page(page, heading="Welcome, Asha")
    expect(
        page.get_by_role("status").get_by_text("Here are the circles for your roles.")
    ).to_be_visible()
    expect(page.get_by_text("Welcome, Asha")).to_have_count(1)

    # The dashboard shows the circles for their role (and not the others).
    for_roles = page.get_by_role("region", name="Circles for your roles")
    expect(for_roles.get_by_role("link", name="Safer staffing on the ward")).to_be_visible()
    expect(for_roles.get_by_role("link", name="Matrons' forum")).to_have_count(0)

    # Finds the circles for their role in the directory too, and joins one.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Circles").click()
    page.wait_for_url("**/circles/")
    check_page(page, heading="Find a learning circle")
    page.get_by_label("Role").select_option(label=nurse.name)
    page.get_by_role("button", name="Show circles").click()
    page.wait_for_url("**/circles/?*")
    check_page(page, heading="Find a learning circle")
    results = page.get_by_role("region", name="Matching circles")
    expect(results.get_by_role("link", name="Safer staffing on the ward")).to_be_visible()
    assert results.get_by_role("link", name="Matrons' forum").count() == 0

    results.get_by_role("link", name="Safer staffing on the ward").click()
    check_page(page, heading="Safer staffing on the ward")
    page.get_by_role("button", name="Join Safer staffing on the ward").click()
    expect(page.get_by_role("status").get_by_text("Welcome to Safer staffing")).to_be_visible()
    check_page(page, heading="Safer staffing on the ward")
    expect(page.get_by_text("You are a member of this circle.")).to_be_visible()

    user = User.objects.get(email="asha.nurse@example.org")
    assert user.emailaddress_set.get().verified
    assert list(user.profile.roles.all()) == [nurse]
    assert user.profile.time_zone == "America/New_York"
    assert staffing.memberships.get(member=user).state == "active"

    # Signs out and back in: the school greets her by the name she gave.
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status").get_by_text("You have signed out.")).to_be_visible()
    sign_in(page, email="asha.nurse@example.org", password=PASSWORD)
    expect(page.get_by_role("status").get_by_text("Welcome back, Asha.")).to_be_visible()


def test_member_resets_a_forgotten_password_and_manages_her_account(page):
    nadia = person(
        "Nadia Ward", role("Ward manager / senior nurse"), email="nadia.ward7@example.org"
    )

    # Forgot her password: the sign-in page leads to a reset by email.
    page.goto("/accounts/login/")
    check_page(page, heading="Sign in")
    page.get_by_role("link", name="Forgot your password?").click()
    check_page(page, heading="Reset your password")
    page.get_by_label("Email").fill("nadia.ward7@example.org")
    page.get_by_role("button", name="Send me a reset link").click()
    check_page(page, heading="Check your email")

    # The email greets her by name and links to a page where she chooses a new password.
    (message,) = [m for m in mail.outbox if m.to == ["nadia.ward7@example.org"]]
    assert message.subject == f"Reset your password for {settings.SITE_NAME}"
    assert message.body.startswith("Hello Nadia Ward,")
    page.goto(
        link_in_last_email(to="nadia.ward7@example.org", pattern="/accounts/password/reset/key/")
    )
    check_page(page, heading="Choose a new password")
    new_password = "another-Long-passphrase-99"
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password (again)").fill(new_password)
    page.get_by_role("button", name="Save new password").click()
    check_page(page, heading="Your password is changed")

    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    check_page(page, heading="Sign in")
    page.get_by_label("Email").fill("nadia.ward7@example.org")
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status").get_by_text("Welcome back, Nadia Ward.")).to_be_visible()
    check_page(page)

    # Her account pages, in the same voice; a wrong current password is refused clearly.
    page.goto("/accounts/password/change/")
    check_page(page, heading="Change your password")
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("Current password")
    check_page(page, heading="Change your password")
    page.goto("/accounts/email/")
    check_page(page, heading="Your email address")
    page.goto("/accounts/logout/")
    check_page(page, heading="Sign out")
    expect(page.get_by_role("main")).to_contain_text(
        "Are you sure you want to sign out, Nadia Ward?"
    )
    nadia.refresh_from_db()
    assert nadia.check_password(new_password)
