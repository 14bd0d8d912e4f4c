"""What every page in a journey must pass, and small steps shared by the journeys."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from django.conf import settings
from django.core import mail

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
NARROWEST = 320
ARTIFACTS = Path(
    os.environ.get("TEST_ARTIFACTS_DIR", Path(settings.BASE_DIR) / "test-artifacts")
).resolve()

# --- checks on every page ------------------------------------------------------------------


def page_key(url: str) -> str:
    return urldefrag(url)[0]


def assert_no_axe_violations(page) -> None:
    """Run axe-core (bundled, no network) on the page as it is now: zero A/AA violations.

    axe needs timers, which never fire in a page whose JavaScript is off; there the very
    same document (its HTML as served, same URL, same stylesheets, page scripts blocked) is
    checked in a twin page that may run axe."""
    if getattr(page, "sbs_javascript", True):
        _axe(page)
        return
    html = page.content()
    twin_context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        twin = twin_context.new_page()
        twin.route("**/*.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
        twin.route(
            page_key(page.url),
            lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
        )
        twin.goto(page_key(page.url))
        _axe(twin, shown_as=page.url)
    finally:
        twin_context.close()


def _axe(page, *, shown_as: str | None = None) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    if results.violations_count:
        pytest.fail(
            f"axe found accessibility problems on {shown_as or page.url}:\n"
            f"{results.generate_report()}",
            pytrace=False,
        )


def assert_no_horizontal_scroll(page, width: int = NARROWEST) -> None:
    """At a ``width``-pixel viewport the page does not scroll sideways."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": before["height"] if before else 740})
    try:
        overflow = page.evaluate(
            """() => {
                const root = document.scrollingElement;
                if (root.scrollWidth <= root.clientWidth) return null;
                const wide = [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1
                                  || el.scrollWidth > root.clientWidth + 1)
                    .slice(-5)
                    .map(el => el.outerHTML.slice(0, 160));
                return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
            }"""
        )
    finally:
        if before:
            page.set_viewport_size(before)
    if overflow:
        pytest.fail(
            f"{page.url} scrolls sideways at {width}px: scrollWidth {overflow['scrollWidth']} > "
            f"clientWidth {overflow['clientWidth']}; too wide: {overflow['wide']}",
            pytrace=False,
        )


def assert_rows_read_as_labelled_blocks(table, *, labels: list[str]) -> None:
    """On a narrow screen each row of ``table`` is a block: its cells stack at the full
    width of the row (so no word breaks letter by letter), each cell whose column is in
    ``labels`` shows that label, and the column headings row is not shown."""
    from playwright.sync_api import expect

    expect(table.locator("thead")).to_be_hidden()
    layout = table.evaluate(
        """table => [...table.tBodies[0].rows].map(row => ({
            row: row.getBoundingClientRect().width,
            cells: [...row.cells].map(cell => ({
                width: cell.getBoundingClientRect().width,
                shown: cell.innerText.replace(/\\s+/g, ' ').trim(),
            })),
        }))"""
    )
    assert layout, "the table has no rows"
    for row in layout:
        narrow = [c for c in row["cells"] if c["width"] < 0.9 * row["row"]]
        assert not narrow, f"cells narrower than their row of {row['row']}px: {narrow}"
        shown = " | ".join(c["shown"] for c in row["cells"])
        for label in labels:
            assert label in shown, f"no '{label}' label in the row: {shown}"


def assert_aria_references_resolve(page) -> None:
    """Every id named by aria-describedby / aria-labelledby / aria-controls exists, so help
    text and errors are announced with their field (axe does not flag a missing one)."""
    missing = page.evaluate(
        """() => [...document.querySelectorAll(
                '[aria-describedby], [aria-labelledby], [aria-controls]')]
            .flatMap(el => ['aria-describedby', 'aria-labelledby', 'aria-controls']
                .flatMap(attr => (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)
                    .filter(id => !document.getElementById(id))
                    .map(id => `${el.tagName.toLowerCase()}#${el.id} ${attr}="${id}"`)))"""
    )
    if missing:
        pytest.fail(f"{page.url} refers to ids that do not exist: {missing}", pytrace=False)


def check_page(page, *, heading: str | None = None) -> None:
    """What every page a journey visits must pass: one h1 (optionally with this text),
    zero axe violations, ARIA references that resolve, no sideways scroll at 320px."""
    from playwright.sync_api import expect

    h1 = page.locator("h1")
    if heading is not None:  # after a click, this also waits for the page it leads to
        expect(h1.first).to_contain_text(heading)
    page.wait_for_load_state("load")  # stylesheets in: axe judges contrast as people see it
    expect(h1, f"{page.url} should have exactly one h1").to_have_count(1)
    assert_no_axe_violations(page)
    assert_aria_references_resolve(page)
    assert_no_horizontal_scroll(page)
    page.sbs_checked.add(page_key(page.url))


def save_screenshots(page, name: str) -> list[Path]:
    """Full-page screenshots at phone (375px) and desktop (1280px) width, as artefacts."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    paths = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        path = folder / f"{name}-{viewport['width']}.png"
        # caret="initial": hiding the caret would inject a <style> the page's CSP refuses.
        page.screenshot(path=path, full_page=True, caret="initial")
        paths.append(path)
    if before:
        page.set_viewport_size(before)
    return paths


# --- steps a person takes ------------------------------------------------------------------


def sign_in(page, *, email: str, password: str, hands=None) -> None:
    """Sign in through the real form, as a person would (with ``hands``: Mouse by default,
    or Keyboard)."""
    me = (hands or Mouse)(page)
    page.goto("/accounts/login/")
    check_page(page, heading="Sign in")
    me.fill(page.get_by_label("Email"), email)
    me.fill(page.get_by_label("Password"), password)
    me.press(page.get_by_role("button", name="Sign in"))
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    check_page(page)


def link_in_last_email(*, to: str, pattern: str) -> str:
    """The path of the first link matching ``pattern`` in the latest email sent to ``to``."""
    messages = [m for m in mail.outbox if to.lower() in (a.lower() for a in m.to)]
    sent = [(m.to, m.subject) for m in mail.outbox]
    assert messages, f"no email was sent to {to}; outbox: {sent}"
    body = messages[-1].body
    match = re.search(r"https?://[^/\s]+(" + pattern + r"[^\s\"<>]*)", body)
    assert match, f"no link matching {pattern!r} in the email to {to}:\n{body}"
    return match.group(1)


def role(name: str, *, sector: str = "health"):
    """A role by name: the seeded one while it exists (live-server tests flush the
    database between tests, seeded rows included), otherwise made here."""
    from django.utils.text import slugify

    from members.models import Role

    return Role.objects.get_or_create(
        name=name, defaults={"slug": slugify(name), "sector": sector}
    )[0]


def person(name: str, *roles, email: str | None = None, **user_fields):
    """A verified, onboarded member called ``name`` (password: tests.factories.PASSWORD)."""
    from tests.factories import UserFactory

    user = UserFactory(
        email=email or f"{name.split()[0].lower()}@example.org", verified=True, **user_fields
    )
    user.profile.display_name = name
    user.profile.save()
    user.profile.roles.set(roles)
    return user


@contextmanager
def no_page_reload(page):
    """The block's clicks update the page in place (HTMX), without loading a new document."""
    page.evaluate("() => { window.__sameDocument = true; }")
    yield
    assert page.evaluate("() => window.__sameDocument === true"), (
        f"the page reloaded ({page.url}) where it should have updated in place"
    )


# --- the keyboard alone ----------------------------------------------------------------------


def tab_to(page, target, *, max_presses: int = 120, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``target`` has the focus, as a keyboard user would,
    and check that the focus is visible there (WCAG 2.4.7)."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(max_presses):
        if target.evaluate_all("els => els.includes(document.activeElement)"):
            break
        page.keyboard.press(key)
        if target.evaluate_all("els => els.includes(document.activeElement)"):
            break
    else:
        focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML")
        pytest.fail(
            f"{key} never reached {target} on {page.url} in {max_presses} presses "
            f"(focus ended on {focused!r:.200})",
            pytrace=False,
        )
    outline = page.evaluate(
        """() => { const el = document.activeElement, s = getComputedStyle(el);
                   return {visible: el.matches(':focus-visible'), width: s.outlineWidth,
                           style: s.outlineStyle, shadow: s.boxShadow}; }"""
    )
    assert outline["visible"] and (outline["style"] != "none" or outline["shadow"] != "none"), (
        f"keyboard focus is not visible on {target} at {page.url}: {outline}"
    )


class Mouse:
    """A person who points and clicks."""

    name = "mouse"

    def __init__(self, page):
        self.page = page

    def follow(self, link) -> None:
        link.click()

    def press(self, button) -> None:
        button.click()

    def fill(self, field, text: str) -> None:
        field.fill(text)

    def choose(self, option) -> None:
        option.check()


class Keyboard:
    """A person with the keyboard alone: Tab to move, Enter for links, Space for buttons,
    radios and checkboxes, and typing. Every element they reach must show its focus."""

    name = "keyboard"

    def __init__(self, page):
        self.page = page

    def follow(self, link) -> None:
        tab_to(self.page, link)
        self.page.keyboard.press("Enter")

    def press(self, button) -> None:
        tab_to(self.page, button)
        self.page.keyboard.press("Space")

    def fill(self, field, text: str) -> None:
        tab_to(self.page, field)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(text)
        assert field.input_value() == text

    def choose(self, option) -> None:
        """Tab into the radio group (or to the checkbox), arrow to the option, Space."""
        if option.get_attribute("type") == "radio":
            name = option.get_attribute("name")
            tab_to(self.page, self.page.locator(f'input[type="radio"][name="{name}"]:focus'))
            for _ in range(12):
                if option.evaluate("el => el === document.activeElement"):
                    break
                self.page.keyboard.press("ArrowDown")
        else:
            tab_to(self.page, option)
        self.page.keyboard.press("Space")
        assert option.is_checked()
