"""Nudges follow each member's own time zone: "due" is her local date, and a nudge goes
out in her morning, across the weeks when the clocks change."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from notifications.models import NudgeDelivery, NudgeKind
from notifications.services.nudges import nudges_send_due
from tests.factories import ActionLogFactory, ResponseFactory
from tests.notifications.conftest import member_of

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LONDON = zoneinfo.ZoneInfo("Europe/London")


def member(circle):
    return member_of(circle, joined_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=UTC))


def in_zone(member, zone: str):
    member.profile.time_zone = zone
    member.profile.save()
    return member


def committed(circle, author, *, due: dt.date, title: str):
    log = ActionLogFactory(
        circle=circle,
        author=author,
        title=title,
        next_step="Run the board with the weekend team",
        next_step_due=due,
        published_at=dt.datetime.combine(due, dt.time(12), tzinfo=UTC) - dt.timedelta(days=7),
    )
    # Answered, and the author is active, so the only nudge she is owed is the commitment.
    ResponseFactory(log=log, created_at=log.published_at + dt.timedelta(hours=1))
    return log


def sweep(now: dt.datetime):
    with time_machine.travel(now, tick=False):
        return nudges_send_due()


def sweep_hourly(start: dt.datetime, end: dt.datetime) -> dict[str, list[dt.datetime]]:
    """Run the hourly sweep from ``start`` to ``end`` (UTC hours) and say when each
    member's nudges arrived: email → the UTC times of her emails."""
    arrived: dict[str, list[dt.datetime]] = {}
    now = start
    while now <= end:
        before = len(mail.outbox)
        sweep(now)
        for message in mail.outbox[before:]:
            arrived.setdefault(message.to[0], []).append(now)
        now += dt.timedelta(hours=1)
    return arrived


def test_a_member_in_new_york_is_not_nudged_before_her_day_has_begun(circle):
    """At 10:00 in London on Tuesday it is 05:00 on Tuesday in New York: the London
    member's Monday commitment is due this morning; the New Yorker's waits for her
    morning, and is recorded on her own date."""
    london = member(circle)
    new_york = in_zone(member(circle), "America/New_York")
    committed(circle, london, due=dt.date(2026, 11, 23), title="London Monday")
    committed(circle, new_york, due=dt.date(2026, 11, 23), title="New York Monday")

    sweep(dt.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON))
    assert [m.to for m in mail.outbox] == [[london.email]]

    sweep(dt.datetime(2026, 11, 24, 7, 0, tzinfo=NEW_YORK))
    assert [m.to for m in mail.outbox] == [[london.email], [new_york.email]]
    delivery = NudgeDelivery.objects.get(member=new_york)
    assert (delivery.kind, delivery.day) == (NudgeKind.COMMITMENT_DUE, dt.date(2026, 11, 24))


def test_late_in_her_evening_a_commitment_dated_today_is_not_overdue(circle):
    """Monday 23 November 22:00 in New York is already Tuesday 03:00 in London (and in
    UTC): her Monday commitment is not overdue until her Tuesday."""
    new_york = in_zone(member(circle), "America/New_York")
    committed(circle, new_york, due=dt.date(2026, 11, 23), title="Due Monday")
    arrived = sweep_hourly(
        dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC), dt.datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
    )
    assert arrived == {new_york.email: [dt.datetime(2026, 11, 24, 7, 0, tzinfo=NEW_YORK)]}


def test_nudges_arrive_at_seven_in_her_morning_across_the_clock_changes(circle):
    """London leaves summer time on Sunday 25 October 2026, New York on Sunday 1
    November. The hourly sweep, run for ten days, nudges each member at 07:00 on her own
    clock the day after each commitment fell due: the UTC hour moves when her clocks do."""
    london = member(circle)
    new_york = in_zone(member(circle), "America/New_York")
    for someone, place in ((london, "London"), (new_york, "New York")):
        committed(circle, someone, due=dt.date(2026, 10, 24), title=f"{place}, due 24 Oct")
        committed(circle, someone, due=dt.date(2026, 10, 31), title=f"{place}, due 31 Oct")

    arrived = sweep_hourly(
        dt.datetime(2026, 10, 24, 0, 0, tzinfo=UTC), dt.datetime(2026, 11, 2, 23, 0, tzinfo=UTC)
    )

    assert arrived[london.email] == [
        dt.datetime(2026, 10, 25, 7, 0, tzinfo=UTC),  # 07:00 GMT (summer time ended 01:00 UTC)
        dt.datetime(2026, 11, 1, 7, 0, tzinfo=UTC),  # 07:00 GMT
    ]
    assert arrived[new_york.email] == [
        dt.datetime(2026, 10, 25, 11, 0, tzinfo=UTC),  # 07:00 EDT
        dt.datetime(2026, 11, 1, 12, 0, tzinfo=UTC),  # 07:00 EST (summer time ended 06:00 UTC)
    ]
    assert [(d.member_id, d.day) for d in NudgeDelivery.objects.order_by("claimed_at")] == [
        (london.pk, dt.date(2026, 10, 25)),
        (new_york.pk, dt.date(2026, 10, 25)),
        (london.pk, dt.date(2026, 11, 1)),
        (new_york.pk, dt.date(2026, 11, 1)),
    ]


def test_a_peer_is_asked_to_respond_in_her_morning(circle):
    """An unanswered log waits 48 hours at 04:00 New York time: the peer in London is asked
    at once (09:00 there), the peer in New York at 07:00 her time."""
    author = member(circle)
    london_peer = member(circle)
    new_york_peer = in_zone(member(circle), "America/New_York")
    for someone in (author, london_peer, new_york_peer):  # none of them is "quiet"
        recent = ActionLogFactory(
            circle=circle,
            author=someone,
            published_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            next_step="",
        )
        ResponseFactory(log=recent, created_at=recent.published_at + dt.timedelta(hours=1))
    published = dt.datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    ActionLogFactory(circle=circle, author=author, published_at=published, next_step="")

    arrived = sweep_hourly(published + dt.timedelta(hours=48), published + dt.timedelta(hours=60))

    assert arrived == {
        london_peer.email: [dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC)],
        new_york_peer.email: [dt.datetime(2026, 11, 24, 7, 0, tzinfo=NEW_YORK)],
    }
