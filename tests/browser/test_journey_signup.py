"""Journey 1: a newcomer signs up, confirms from the email, onboards, finds a circle, joins."""

import pytest

from members.models import User
from tests.browser.helpers import check_page, link_in_last_email, role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_newcomer_signs_up_confirms_onboards_and_joins_a_circle(page):
    nurse = role("Ward manager / senior nurse")
    role("Matron")

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
    check_page(page)
    assert page.get_by_text("asha.nurse@example.org").count() or "verif" in page.content()

    # Opens the confirmation link from the email and confirms.
    page.goto(link_in_last_email(to="asha.nurse@example.org", pattern="/accounts/confirm-email/"))
    check_page(page)
    page.get_by_role("button", name="Confirm").click()

    # Onboarding comes first: role(s), organisation, then the dashboard.
    page.wait_for_url("**/me/onboarding/")
    check_page(page, heading="Tell us about your work")
    # Submitting without a role is refused with a clear message that names the field.
    page.get_by_role("button", name="Save and continue").click()
    check_page(page, heading="Tell us about your work")
    assert page.get_by_role("alert").get_by_text("Pick at least one role").is_visible()

    page.get_by_label("Name shown to your circles").fill("Asha")
    page.get_by_label(nurse.name).check()
    page.get_by_label("Organisation", exact=True).fill("St Mary's Hospital, Leeds")
    page.get_by_label("Sector", exact=True).select_option("health")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/dashboard/")
    check_page(page, heading="Welcome, Asha")
    assert page.get_by_role("status").get_by_text("Welcome!").is_visible()

    user = User.objects.get(email="asha.nurse@example.org")
    assert user.emailaddress_set.get().verified
    assert list(user.profile.roles.all()) == [nurse]
