"""Journey 1: a newcomer signs up, confirms from the email, onboards, finds a circle, joins."""

import pytest
from playwright.sync_api import expect

from members.models import User
from tests.browser.helpers import check_page, link_in_last_email, person, role
from tests.factories import PASSWORD, CircleFactory, FacilitatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    check_page(page, heading="Sign Up")

    # Signs up with email and password.
    page.get_by_label("Email").fill("asha.nurse@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    check_page(page, heading="Verify Your Email Address")

    # Opens the confirmation link from the email and confirms.
    page.goto(link_in_last_email(to="asha.nurse@example.org", pattern="/accounts/confirm-email/"))
    check_page(page)
    page.get_by_role("button", name="Confirm").click()

    # Onboarding comes first: role(s), organisation, then the dashboard.
    page.wait_for_url(lambda url: "/me/onboarding/" in url)
    check_page(page, heading="Tell us about your work")
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
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/dashboard/")
    check_page(page, heading="Welcome, Asha")
    expect(page.get_by_role("status").get_by_text("Welcome!")).to_be_visible()

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
    assert staffing.memberships.get(member=user).state == "active"
