"""On a phone and at 1280px: "@Sam" that matches two people is pointed out under the field
before posting; her session ends while she writes a response, Post sends her to sign in,
and back on the log her text is still there. Every page passes axe; screenshots go to
test-artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, check_page, person, role, save_screenshots, sign_in
from tests.factories import PASSWORD, ActionLogFactory, CircleFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Board at handover"


@pytest.fixture
def log():
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    for name in ("Asha Patel", "Sam Lee", "Sam Okafor", "Grace Hopper"):
        email = name.lower().replace(" ", ".") + "@example.org"
        MembershipFactory(circle=circle, member=person(name, nurse, email=email))
    return ActionLogFactory(circle=circle, author=circle.memberships.last().member, title=TITLE)


def test_her_unsent_response_survives_an_ended_session(open_page, log):
    page = open_page(viewport=PHONE)
    sign_in(page, email="asha.patel@example.org", password=PASSWORD)
    page.goto(log.get_absolute_url())
    check_page(page, heading=TITLE)
    body = page.get_by_label("Your response")
    body.fill("What did @Sam and @Grace say?")
    body.blur()
    expect(page.get_by_text("@Sam matches two people — pick one")).to_be_visible()
    check_page(page, heading=TITLE)
    save_screenshots(page, "unsent-text-mention-check")
    page.context.clear_cookies(name="sessionid")  # the session ends; the CSRF cookie stays
    page.get_by_role("radio", name="Question").check()
    page.get_by_role("button", name="Post response").click()
    page.wait_for_url("**/accounts/login/**")
    check_page(page, heading="Sign in")
    page.get_by_label("Email").fill("asha.patel@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{log.get_absolute_url()}")
    expect(page.get_by_label("Your response")).to_have_value("What did @Sam and @Grace say?")
    check_page(page, heading=TITLE)
    save_screenshots(page, "unsent-text-restored")


def test_on_a_shared_computer_the_next_person_signing_in_clears_others_copies(open_page, log):
    page = open_page()
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { localStorage.setItem('sbs-draft:999999:response-1', '{\"body\":\"theirs\"}');"
        " localStorage.setItem('other-site-key', 'kept'); }"
    )
    sign_in(page, email="asha.patel@example.org", password=PASSWORD)
    page.goto(log.get_absolute_url())
    check_page(page)
    assert page.evaluate("() => localStorage.getItem('sbs-draft:999999:response-1')") is None
    assert page.evaluate("() => localStorage.getItem('other-site-key')") == "kept"
