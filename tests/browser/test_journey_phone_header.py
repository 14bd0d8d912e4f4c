"""On a phone (375px) the header is one bar no taller than 64px: the brand, search one tap
away, the bell and a Menu button that opens the rest of the links (a <details>, so it
works without JavaScript too). At 1280px the links sit in the bar as before. Every page
passes axe; screenshots of both widths go to test-artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    Keyboard,
    Mouse,
    check_page,
    person,
    role,
    save_screenshots,
    sign_in,
)
from tests.factories import PASSWORD, CircleFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAR_MAX = 64


@pytest.fixture
def member():
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    asha = person("Asha Patel", nurse)
    MembershipFactory(circle=circle, member=asha)
    return asha


def header_height(page) -> float:
    return page.locator(".site-header").evaluate("el => el.getBoundingClientRect().height")


def walk_on_a_phone(page, hands) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/dashboard/")
    check_page(page)
    assert header_height(page) <= BAR_MAX, f"the header is {header_height(page)}px tall"
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav).to_be_hidden()
    expect(page.get_by_role("link", name="Notifications")).to_be_visible()
    hands.press(page.locator(".site-menu > summary"))
    expect(main_nav).to_be_visible()
    assert header_height(page) <= BAR_MAX, "the open menu pushed the bar taller"
    check_page(page)
    hands.follow(main_nav.get_by_role("link", name="My logs"))
    check_page(page, heading="My logs")
    expect(main_nav).to_be_hidden()
    hands.follow(page.get_by_role("link", name="Search", exact=True))
    check_page(page, heading="Search")


def test_the_header_on_a_phone_is_one_bar_with_a_menu(open_page, member):
    page = open_page(viewport=PHONE)
    sign_in(page, email="asha@example.org", password=PASSWORD)
    walk_on_a_phone(page, Mouse(page))
    page.goto("/dashboard/")
    page.locator(".site-menu > summary").click()
    save_screenshots(page, "phone-header-menu-open")
    page.set_viewport_size(DESKTOP)
    page.goto("/dashboard/")
    check_page(page)
    save_screenshots(page, "phone-header")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_phone_menu_with_the_keyboard_alone(open_page, member, javascript):
    page = open_page(viewport=PHONE, java_script_enabled=javascript)
    sign_in(page, email="asha@example.org", password=PASSWORD, hands=Keyboard)
    walk_on_a_phone(page, Keyboard(page))


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_on_a_wide_screen_the_links_sit_in_the_bar(open_page, member, javascript):
    page = open_page(java_script_enabled=javascript)
    sign_in(page, email="asha@example.org", password=PASSWORD)
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="My logs")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("search", name="Site")).to_be_visible()


def test_a_visitor_on_a_phone_sees_one_bar(open_page, member):
    page = open_page(viewport=PHONE)
    page.goto("/")
    check_page(page)
    assert header_height(page) <= BAR_MAX
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Sign in")).to_be_visible()
    save_screenshots(page, "phone-header-visitor")
