"""An author edits a published log: the change is saved and marked edited, and everything
they did not touch, their commitment's date included, stays as it was."""

import datetime as dt

import pytest
from playwright.sync_api import expect

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
