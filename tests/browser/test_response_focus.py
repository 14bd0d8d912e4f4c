"""Posting a response with the keyboard keeps her place: a refused post puts the focus on
the error summary, and a posted one on the new response, in place of the form she left
(HTMX swaps both); never on the page's body."""

import pytest
from playwright.sync_api import expect

from circles.models import Response
from tests.browser.helpers import (
    Keyboard,
    check_page,
    no_page_reload,
    person,
    role,
    save_screenshots,
    sign_in,
)
from tests.factories import PASSWORD, ActionLogFactory, CircleFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Who holds the board when the nurse in charge is called away?"


@pytest.fixture
def log():
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    asha = person("Asha Patel", nurse)
    MembershipFactory(circle=circle, member=asha)
    MembershipFactory(circle=circle, member=person("Ben Adeyemi", nurse))
    return ActionLogFactory(circle=circle, author=asha, title="Handover huddle at the board")


def test_the_focus_follows_a_refused_and_a_posted_response(open_page, log):
    ben = open_page()
    keys = Keyboard(ben)
    sign_in(ben, email="ben@example.org", password=PASSWORD, hands=Keyboard)
    ben.goto(log.get_absolute_url())
    check_page(ben, heading=log.title)

    with no_page_reload(ben):
        keys.press(ben.get_by_role("button", name="Post response"))
        expect(ben.get_by_role("alert")).to_be_focused()
        expect(ben.get_by_role("alert")).to_contain_text("Your response")

        keys.choose(ben.get_by_role("radio", name="Question"))
        keys.fill(ben.get_by_label("Your response"), QUESTION)
        keys.press(ben.get_by_role("button", name="Post response"))
        new = ben.locator("#responses li.response").filter(has_text=QUESTION)
        expect(new).to_be_focused()
    assert ben.evaluate("() => document.activeElement !== document.body")
    expect(ben.get_by_role("heading", name="Responses (1)")).to_be_visible()
    expect(ben.get_by_role("alert")).to_have_count(0)
    check_page(ben, heading=log.title)
    save_screenshots(ben, "response-posted-focus")
    # Tab goes on from the response she posted, not from the top of the page.
    ben.keyboard.press("Tab")
    assert ben.evaluate(
        "() => document.activeElement.closest('#responses, #response-form') !== null"
    )
    assert Response.objects.get(log=log).body == QUESTION
