"""What the record counts: open commitments whatever the range (the range applies to what
happened), CPD she plans ahead shown as planned, the months from her first activity, and
the three years up to the revalidation date she gives once."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from record.models import CpdEntry, RecordSettings, ReflectiveAccount
from tests.factories import ActionLogFactory, CircleFactory, MembershipFactory, UserFactory
from tests.record.test_record import NOW, frozen  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse(frozen):  # noqa: F811
    circle = CircleFactory()
    return MembershipFactory(circle=circle).member, circle


def _page(client, who, **query):
    client.force_login(who)
    return client.get(reverse("record:page"), query).content.decode()


def test_a_kept_and_an_open_commitment_not_yet_due_are_both_counted(client, nurse):
    member, circle = nurse
    kept = ActionLogFactory(
        circle=circle,
        author=member,
        next_step="Try it at weekends.",
        next_step_due=dt.date(2026, 12, 15),
        published_at=NOW - dt.timedelta(days=10),
    )
    ActionLogFactory(circle=circle, author=member, follows=kept, next_step="", published_at=NOW)
    ActionLogFactory(
        circle=circle,
        author=member,
        title="Safety huddle",
        next_step="Ask the matron.",
        next_step_due=dt.date(2027, 1, 10),
        published_at=NOW - dt.timedelta(days=2),
    )
    page = _page(client, member)
    assert 'id="fig-commitments">1 / 0 / 1<' in page
    assert "Ask the matron." in page and "No dated commitments" not in page


def test_the_range_applies_to_what_happened_and_open_ones_always_count(client, nurse):
    member, circle = nurse
    old = ActionLogFactory(
        circle=circle,
        author=member,
        next_step="Audit the rota.",
        next_step_due=dt.date(2025, 3, 1),
        published_at=dt.datetime(2025, 2, 1, 9, tzinfo=dt.UTC),
    )
    ActionLogFactory(
        circle=circle,
        author=member,
        follows=old,
        published_at=dt.datetime(2025, 2, 20, 9, tzinfo=dt.UTC),
    )
    ActionLogFactory(
        circle=circle,
        author=member,
        next_step="Share the audit.",
        next_step_due=dt.date(2025, 4, 1),
        published_at=dt.datetime(2025, 2, 10, 9, tzinfo=dt.UTC),
    )
    # A range after the kept commitment was followed up: only the open one counts.
    page = _page(client, member, start="2026-01-01", end="2026-11-20")
    assert 'id="fig-commitments">0 / 0 / 1<' in page
    page = _page(client, member, start="2025-01-01", end="2025-12-31")
    assert 'id="fig-commitments">1 / 0 / 1<' in page


def test_a_future_cpd_entry_is_shown_as_planned_and_not_yet_counted(client, nurse):
    member, _ = nurse
    client.force_login(member)
    response = client.post(
        reverse("record:cpd_add"),
        {"activity": "Safeguarding level 3", "date": "2027-02-14", "hours": "7"},
        follow=True,
    )
    page = response.content.decode()
    assert "planned for 14 February 2027" in page
    assert CpdEntry.objects.filter(member=member).count() == 1
    planned = page[page.index('id="cpd-planned"') :]
    assert "Safeguarding level 3" in planned and "14 Feb 2027" in planned
    assert 'id="fig-cpd">0 of 35<' in page  # planned, not yet done


def test_a_new_member_sees_no_months_of_zeros(client, nurse):
    member, circle = nurse
    page = _page(client, member)
    assert 'id="chart-none"' in page and "record-activity-table" not in page
    ActionLogFactory(circle=circle, author=member, published_at=NOW - dt.timedelta(days=40))
    page = _page(client, member)
    start = page.index('id="record-activity-table"')
    table = page[start : page.index("</table>", start)]
    assert table.count('<th scope="row">') == 2  # October and November 2026 only
    assert "Oct 2026" in table and "Sep 2026" not in table


def test_the_record_asks_once_for_her_revalidation_date_and_counts_towards_it(client, nurse):
    member, _ = nurse
    ReflectiveAccount.objects.create(
        member=member, title="Early", event_date=dt.date(2024, 6, 1),
        nature="n", learning="l", changed="c",
    )  # fmt: skip
    page = _page(client, member)
    assert "When is your next revalidation?" in page
    assert "<strong>1 of the 5</strong>" in page  # the three years up to today
    refused = client.post(reverse("record:revalidation"), {"revalidation_due": ""})
    assert "Enter the date your next revalidation is due" in refused.content.decode()
    assert not RecordSettings.objects.filter(member=member).exists()
    client.post(reverse("record:revalidation"), {"revalidation_due": "2028-03-31"})
    settings = RecordSettings.objects.get(member=member)
    assert settings.revalidation_due == dt.date(2028, 3, 31) and settings.hours_target == 35
    page = _page(client, member)
    assert "When is your next revalidation?" not in page
    assert "up to your revalidation on 31 March 2028" in page
    assert "<strong>0 of the 5</strong>" in page  # 1 June 2024 is before 31 March 2025


def test_only_a_signed_in_member_sets_a_revalidation_date(client):
    response = client.post(reverse("record:revalidation"), {"revalidation_due": "2028-03-31"})
    assert response.status_code == 302 and not RecordSettings.objects.exists()
    client.force_login(UserFactory())
    assert client.get(reverse("record:revalidation")).status_code == 405


def _text_of(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    element = page[page.index(">", start) + 1 : page.index("</p>", start)]
    return " ".join(re.sub(r"<[^>]+>", "", element).split())


def test_the_range_and_the_accounts_line_tell_one_story_of_her_period(client, nurse):
    """The page's range runs from the start of her period to today; the accounts line is
    one sentence about the same period, up to her revalidation, in the same words."""
    member, _ = nurse
    page = _page(client, member)
    assert _text_of(page, "record-range").endswith(
        "From 20 November 2023 to today, 20 November 2026."
    )
    assert _text_of(page, "accounts-count").startswith(
        "You have 0 of the 5 reflective accounts the NMC asks for in your current three-year "
        "period, from 20 November 2023 to today."
    )
    client.post(reverse("record:revalidation"), {"revalidation_due": "2027-04-30"})
    page = _page(client, member)
    assert _text_of(page, "record-range").endswith("From 30 April 2024 to today, 20 November 2026.")
    accounts = _text_of(page, "accounts-count")
    assert accounts.startswith(
        "You have 0 of the 5 reflective accounts the NMC asks for in the three years from "
        "30 April 2024 up to your revalidation on 30 April 2027, 5 months, 1 week from now."
    ), accounts
    assert "(" not in accounts
