"""The meeting page, the calendar feed, the member's meetings page and the learning
record run the same number of queries with 3 and with 50 items."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from circles.permissions import circle_access
from meetings import services
from meetings.calendar import feed_token_make
from meetings.models import AgendaItem, Attendance, Rsvp
from record.models import CpdEntry, ReflectiveAccount
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
)
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


def _meeting_with(n, slug):
    """A meeting with ``n`` members going, ``n`` agenda items, ``n`` attending and ``n``
    logs for the draft agenda."""
    circle = CircleFactory(slug=slug, capacity=200)
    facilitator = FacilitatorFactory(circle=circle).member
    meeting = schedule(circle, facilitator, count=1)
    occurrence = meeting.occurrences.get()
    for i in range(n):
        member = MembershipFactory(circle=circle).member
        Rsvp.objects.create(occurrence=occurrence, member=member, answer="going")
        Attendance.objects.create(occurrence=occurrence, member=member)
        log = ActionLogFactory(circle=circle, author=member, ask="Any templates?")
        AgendaItem.objects.create(occurrence=occurrence, position=i, text=f"Item {i}", log=log)
        ActionLogFactory(circle=circle, author=member, title=f"Waiting {i}")
    return circle, facilitator, occurrence


def test_the_meeting_page_is_constant_in_its_items(client, frozen):
    counts = []
    for n, slug in ((3, "few"), (50, "many")):
        circle, facilitator, occurrence = _meeting_with(n, slug)
        client.force_login(facilitator)
        counts.append(_count(client, occurrence.get_absolute_url()))
    assert counts[0] == counts[1]


def _member_in_circles_with_meetings(n, email):
    member = MembershipFactory(member__email=email).member
    for i in range(n):
        circle = MembershipFactory(member=member, circle__slug=f"{email.split('@')[0]}-{i}").circle
        facilitator = FacilitatorFactory(circle=circle).member
        meeting = schedule(circle, facilitator, count=1)
        if i % 2:
            services.occurrence_cancel(
                access=circle_access(facilitator, circle), occurrence=meeting.occurrences.get()
            )
    return member


def test_the_calendar_feed_and_meetings_page_are_constant_in_meetings(client, frozen):
    feed, page = [], []
    for n, email in ((3, "few@example.org"), (50, "many@example.org")):
        member = _member_in_circles_with_meetings(n, email)
        token = feed_token_make(member)
        client.logout()
        feed.append(_count(client, reverse("meetings:feed", kwargs={"token": token})))
        client.force_login(member)
        page.append(_count(client, reverse("meetings:calendar")))
    assert feed[0] == feed[1]
    assert page[0] == page[1]


def _record_with(n, frozen):
    circle = CircleFactory(capacity=200)
    facilitator = FacilitatorFactory(circle=circle).member
    nurse = MembershipFactory(circle=circle).member
    previous = None
    for i in range(n):
        previous = ActionLogFactory(
            circle=circle,
            author=nurse,
            follows=previous if i % 2 else None,
            next_step_due=dt.date(2026, 9, 1),
            published_at=timezone.now() - dt.timedelta(days=i + 1),
        )
        ResponseFactory(log=ActionLogFactory(circle=circle, author=facilitator), author=nurse)
        CpdEntry.objects.create(
            member=nurse, activity=f"Course {i}", date=dt.date(2026, 6, 1), hours=1
        )
        ReflectiveAccount.objects.create(
            member=nurse, title=f"Account {i}", event_date=dt.date(2026, 5, 1), nature="n",
            learning="l", changed="c", themes=["preserve_safety"],
        )  # fmt: skip
    meeting = schedule(circle, facilitator, count=1, title="Met")
    occurrence = meeting.occurrences.get()
    Attendance.objects.create(occurrence=occurrence, member=nurse)
    return nurse


def test_the_record_page_is_constant_in_its_items(client, frozen):
    counts = []
    for n in (3, 50):
        client.force_login(_record_with(n, frozen))
        counts.append(_count(client, reverse("record:page")))
    assert counts[0] == counts[1]
