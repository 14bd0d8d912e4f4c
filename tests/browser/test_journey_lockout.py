"""A member who keeps mistyping her password is paused: the page says roughly when she can
try again and offers a password reset, which gets her straight back in."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import check_page, link_in_last_email, person, role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-fresh-Passphrase-2027"


def test_a_locked_out_member_is_told_when_to_retry_and_resets_her_password(page, tasks_run_at_once):
    person("Asha Nurse", role("Ward manager / senior nurse"), email="asha@example.org")

    page.goto("/accounts/login/")
    check_page(page, heading="Sign in")
    for attempt in range(6):
        page.get_by_label("Email").fill("asha@example.org")
        page.get_by_label("Password").fill(f"not-my-password-{attempt}")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Sign in").click()
        if attempt < 5:
            check_page(page, heading="Sign in")
    # The sixth attempt is refused with the site's 429 page.
    assert navigation.value.status == 429
    assert int(navigation.value.headers["retry-after"]) > 0
    check_page(page, heading="Too many attempts")
    expect(page.get_by_role("main")).to_contain_text("try again in about 5 minutes")

    page.get_by_role("link", name="Reset your password").click()
    check_page(page, heading="Reset your password")
    page.get_by_label("Email").fill("asha@example.org")
    page.get_by_role("button", name="Send me a reset link").click()
    page.wait_for_url("**/accounts/password/reset/done/")
    check_page(page)

    page.goto(link_in_last_email(to="asha@example.org", pattern="/accounts/password/reset/key/"))
    check_page(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    page.wait_for_url("**/accounts/password/reset/key/done/")
    check_page(page)

    # A new password lifts the pause on the account: she signs in at once.
    page.goto("/accounts/login/")
    check_page(page, heading="Sign in")
    page.get_by_label("Email").fill("asha@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")
    check_page(page, heading="Welcome, Asha")
