"""The learning record on a phone: at 375px no heading, figure or legend breaks inside a
word and no legend is cut off; a member who joined today sees a short page, not months of
zeros; she gives her revalidation date once, from the page. Screenshots at 375px and
1280px in test-artifacts/screenshots/."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from record.models import CpdEntry
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    check_page,
    person,
    role,
    save_screenshots,
    sign_in,
)
from tests.factories import PASSWORD, ActionLogFactory, CircleFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every word of these, and of the chart's legend, lies on one line.
WORDS_OF = "#record-activity-table th, #cpd-table th, .health-figures dt, .health-figures dd"

BROKEN_WORDS = """selector => {
    const broken = [];
    for (const el of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const m of node.data.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const lines = new Set([...range.getClientRects()]
                    .filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (lines.size > 1) broken.push(m[0]);
            }
        }
    }
    return broken;
}"""

CUT_LEGENDS = """() => [...document.querySelectorAll('svg.bar-chart')].flatMap(svg => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text.legend')]
        .filter(t => t.getBoundingClientRect().right > box.right + 0.5)
        .map(t => t.textContent);
})"""


@pytest.fixture
def asha():
    member = person("Asha Patel", role("Ward manager / senior nurse"))
    circle = CircleFactory(name="Ward managers North")
    MembershipFactory(circle=circle, member=member)
    return member, circle


def test_the_record_reads_whole_words_on_a_phone(open_page, asha):
    member, circle = asha
    for weeks in (9, 5, 1):
        ActionLogFactory(
            circle=circle,
            author=member,
            published_at=timezone.now() - dt.timedelta(weeks=weeks),
            next_step_due=timezone.localdate() + dt.timedelta(days=20),
        )
    CpdEntry.objects.create(
        member=member, activity="Safeguarding", date=timezone.localdate(), hours=3
    )
    page = open_page(viewport=PHONE)
    sign_in(page, email=member.email, password=PASSWORD)
    page.goto("/me/record/")
    check_page(page, heading="My learning record")
    expect(page.locator("#record-activity-table tbody tr")).to_have_count(3)
    assert page.evaluate(BROKEN_WORDS, WORDS_OF) == []
    assert page.evaluate(CUT_LEGENDS) == []
    page.set_viewport_size(DESKTOP)  # the table beside or under its chart, never cramped
    check_page(page, heading="My learning record")
    assert page.evaluate(BROKEN_WORDS, WORDS_OF) == []
    save_screenshots(page, "record-with-activity")


def test_a_new_member_sees_a_short_record_and_gives_her_revalidation_date(open_page, asha):
    member, _ = asha
    page = open_page(viewport=PHONE)
    sign_in(page, email=member.email, password=PASSWORD)
    page.goto("/me/record/")
    check_page(page, heading="My learning record")
    expect(page.locator("#chart-none")).to_be_visible()
    height = page.evaluate("() => document.scrollingElement.scrollHeight")
    assert height < 3000, f"the record of a member with nothing yet is {height}px tall"
    save_screenshots(page, "record-new-member")
    due = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    page.get_by_label("My next revalidation is due on").fill(due)
    page.get_by_role("button", name="Save the date").click()
    check_page(page, heading="My learning record")
    expect(page.get_by_role("status")).to_contain_text("counts towards your revalidation")
    expect(page.locator("#accounts-count")).to_contain_text("up to your revalidation on")
    expect(page.get_by_label("My next revalidation is due on")).to_have_count(0)
