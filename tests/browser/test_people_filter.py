"""The people page of a circle of 55: two pages, and a name filter. With JavaScript the
list narrows as she types (the address follows, the page does not reload, the status line
says what matched); without it the same form answers with a new page. Every page state
passes axe and fits 320px."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Keyboard, Mouse, check_page, no_page_reload, person, sign_in
from tests.factories import PASSWORD, CircleFactory, FacilitatorFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CIRCLE = "Safer staffing on the ward"
URL = "/circles/safer-staffing/people/"


@pytest.fixture
def circle():
    circle = CircleFactory(name=CIRCLE, slug="safer-staffing", capacity=100)
    FacilitatorFactory(circle=circle, member=person("Grace Okafor"))
    for name in ("Asha Patel", "Ben Adeyemi"):
        MembershipFactory(circle=circle, member=person(name))
    for i in range(52):
        member = person(f"Member {i:02d}", email=f"member-{i}@example.org")
        MembershipFactory(circle=circle, member=member)
    return circle


def cards(page):
    return page.locator("#people-results li.person")


@pytest.mark.parametrize("hands", [Mouse, Keyboard], ids=["mouse", "keyboard"])
def test_the_list_narrows_as_she_types(open_page, circle, hands):
    page = open_page()
    me = hands(page)
    sign_in(page, email="asha@example.org", password=PASSWORD, hands=hands)
    page.goto(URL)
    check_page(page, heading=f"People in {CIRCLE}")
    pages = page.get_by_role("navigation", name="Pages of members")
    expect(pages).to_contain_text("Page 1 of 2")
    expect(cards(page)).to_have_count(50)
    expect(cards(page).first).to_contain_text("Facilitator")

    with no_page_reload(page):
        me.fill(page.get_by_label("Find a member by name"), "ben")
        expect(cards(page)).to_have_count(1)
        expect(cards(page).first).to_contain_text("Ben Adeyemi")
        expect(page.get_by_role("status")).to_have_text("1 member matches “ben”. Show everyone")
        expect(pages).to_have_count(0)
        page.wait_for_url(f"**{URL}?q=ben")
        expect(page.get_by_role("heading", name="Members (55)")).to_be_visible()
        check_page(page, heading=f"People in {CIRCLE}")

        me.fill(page.get_by_label("Find a member by name"), "nobody here")
        expect(page.get_by_role("status")).to_contain_text("No member matches “nobody here”.")
        expect(cards(page)).to_have_count(0)
        page.wait_for_url(lambda url: url.endswith(f"{URL}?q=nobody%20here"))
        check_page(page, heading=f"People in {CIRCLE}")

    me.follow(page.get_by_role("link", name="Show everyone"))
    page.wait_for_url(f"**{URL}")
    check_page(page, heading=f"People in {CIRCLE}")
    me.follow(pages.get_by_role("link", name="Next"))
    page.wait_for_url(f"**{URL}?page=2")
    check_page(page, heading=f"People in {CIRCLE}")
    expect(pages).to_contain_text("Page 2 of 2")
    expect(cards(page)).to_have_count(5)


def test_the_filter_works_without_javascript(open_page, circle):
    page = open_page(java_script_enabled=False)
    me = Keyboard(page)
    sign_in(page, email="asha@example.org", password=PASSWORD, hands=Keyboard)
    page.goto(URL)
    check_page(page, heading=f"People in {CIRCLE}")
    me.fill(page.get_by_label("Find a member by name"), "MEMBER 1")
    me.press(page.get_by_role("button", name="Find"))
    page.wait_for_url(f"**{URL}?q=MEMBER+1")
    check_page(page, heading=f"People in {CIRCLE}")
    expect(cards(page)).to_have_count(10)
    expect(page.get_by_role("status")).to_contain_text("10 members match “MEMBER 1”.")
    expect(page.get_by_label("Find a member by name")).to_have_value("MEMBER 1")
