"""An author edits a published log: the change is saved and marked edited, and everything
they did not touch, their commitment's date included, stays as it was, even once that date
has passed; moving the commitment to another day in the past is refused."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from members.local_time import member_today
from tests.browser.helpers import check_page, person, role, sign_in
from tests.factories import PASSWORD, ActionLogFactory, CircleFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUE = dt.date(2026, 12, 31)


def test_author_edits_a_published_log_and_keeps_the_commitment_date(page):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    asha = person("Asha Patel", nurse)
    MembershipFactory(circle=circle, member=asha)
    log = ActionLogFactory(circle=circle, author=asha, title="Handover huddle", next_step_due=DUE)

    sign_in(page, email="asha@example.org", password=PASSWORD)
    page.goto(log.get_absolute_url())
    check_page(page, heading="Handover huddle")
    page.get_by_role("link", name="Edit").click()
    check_page(page, heading="Edit your log")
    expect(page.get_by_label("Next step due by")).to_have_value(DUE.isoformat(), timeout=2_000)
    page.get_by_label("Title").fill("Handover huddle at the board")
    page.get_by_role("button", name="Save changes").click()
    check_page(page, heading="Handover huddle at the board")
    log.refresh_from_db()
    assert log.edited_at is not None
    assert log.next_step_due == DUE


def test_a_commitment_date_that_has_passed_is_kept_but_not_moved_into_the_past(page):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    asha = person("Asha Patel", nurse)
    MembershipFactory(circle=circle, member=asha)
    passed = member_today(asha) - dt.timedelta(days=10)
    log = ActionLogFactory(
        circle=circle, author=asha, title="Handover huddle", next_step_due=passed
    )

    sign_in(page, email="asha@example.org", password=PASSWORD)
    page.goto(f"/circles/{circle.slug}/logs/{log.pk}/edit/")
    check_page(page, heading="Edit your log")
    page.get_by_label("Title").fill("Handover huddle, a month on")
    page.get_by_role("button", name="Save changes").click()
    check_page(page, heading="Handover huddle, a month on")
    log.refresh_from_db()
    assert log.next_step_due == passed and log.edited_at is not None

    page.get_by_role("link", name="Edit").click()
    check_page(page, heading="Edit your log")
    earlier = passed - dt.timedelta(days=1)
    page.get_by_label("Next step due by (optional)").fill(earlier.isoformat())
    page.get_by_role("button", name="Save changes").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Next step due by: This date has passed")
    check_page(page, heading="Edit your log")
    summary.get_by_role("link", name=re.compile("^Next step due by")).click()
    expect(page.get_by_label("Next step due by (optional)")).to_be_focused()
    log.refresh_from_db()
    assert log.next_step_due == passed
