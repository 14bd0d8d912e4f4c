"""A GET never writes: every page of the school, opened by a member, her facilitator and
a visitor, runs no INSERT, UPDATE or DELETE. The one deliberate exception is the bell:
opening what a notification is about marks it read (``inbox:open`` and the page it leads
to), because that is what the bell is for.

The pages are every URL pattern of the site (the admin and allauth's own pages aside),
each filled in with objects of one small circle; a pattern this test cannot fill fails it,
so a new page is walked as soon as it exists."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from circles.services.responses import response_create
from commons.models import LessonQuestion
from meetings.models import AgendaItem
from notifications.models import Notification
from record.models import CpdEntry, ReflectiveAccount
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    LessonFactory,
    MembershipFactory,
)
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# Opening a log or a lesson marks her notifications about it read: the bell's point.
READ_MARK = re.compile(r'^UPDATE "notifications_notification" SET "read_at" = [^,]+ WHERE ')
# Patterns with no page of their own to GET: a token only an email or a download carries,
# a draft key only the browser holds. Each is covered by its own tests.
NOT_WALKED = {
    "circles:invite_accept",  # an invitation's token (tests/circles/test_invites.py)
    "circles:draft",  # a key the browser keeps (tests/people/test_text_drafts.py)
    "meetings:feed",  # tests/meetings/test_calendar.py, with the same rule
    "notifications:unsubscribe",  # a signed token from an email
    "privacy:export_download",  # a signed token from the export email
}


def _names(resolver: URLResolver, namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) in ("admin/", "accounts/"):
                continue
            yield from _names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:" if namespace else "") + pattern.name, pattern


@pytest.fixture
def school(db):
    circle = CircleFactory(name="Ward managers North", slug="ward-north", capacity=80)
    facilitator = FacilitatorFactory(circle=circle).member
    member = MembershipFactory(circle=circle).member
    log = ActionLogFactory(circle=circle, author=member)
    response = response_create(author=facilitator, log=log, kind="question", body="And then?")
    meeting = schedule(circle, facilitator, first_local=dt.datetime(2030, 1, 8, 18, 0), count=1)
    occurrence = meeting.occurrences.get()
    item = AgendaItem.objects.create(occurrence=occurrence, text="Handover boards", position=1)
    lesson = LessonFactory(source_log=log)
    question = LessonQuestion.objects.create(lesson=lesson, asker=facilitator, body="How long?")
    account = ReflectiveAccount.objects.create(
        member=member, title="Handover", event_date=dt.date(2026, 1, 5), nature="n"
    )
    cpd = CpdEntry.objects.create(
        member=member, activity="Course", date=dt.date(2026, 1, 5), hours=2
    )
    return {
        "slug": circle.slug,
        "log": log,
        "response": response,
        "occurrence": occurrence,
        "item": item,
        "lesson": lesson,
        "question": question,
        "account": account,
        "cpd": cpd,
        "member": member,
        "facilitator": facilitator,
    }


def _kwargs(name: str, pattern: URLPattern, school: dict) -> dict:
    keys = set(pattern.pattern.regex.groupindex)
    app = name.split(":")[0]
    by_app = {
        "meetings": school["occurrence"].pk,
        "commons": school["lesson"].pk,
        "record": (school["cpd"] if "cpd" in name else school["account"]).pk,
        "people": school["member"].pk,
        "facilitation": school["member"].pk,
        "inbox": None,
    }
    kwargs = {}
    for key in keys:
        if key == "slug":
            kwargs[key] = school["slug"]
        elif key in ("rpk",) or (key == "pk" and "response" in name):
            kwargs[key] = school["response"].pk
        elif key == "log_pk" or (key == "pk" and (app == "circles" or name.endswith("_log"))):
            kwargs[key] = school["log"].pk
        elif key == "item_pk":
            kwargs[key] = school["item"].pk
        elif key == "pk" and name == "commons:answer":
            kwargs[key] = school["question"].pk
        elif key == "pk" and "requests" in str(pattern.pattern):
            kwargs[key] = school["member"].pk
        elif key == "pk" and app == "inbox":
            kwargs[key] = Notification.objects.filter(recipient=school["member"]).first().pk
        elif key == "pk" and app in by_app:
            kwargs[key] = by_app[app]
        else:
            raise AssertionError(f"{name}: no object for <{key}>; add it to this test")
    return kwargs


def _writes(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


@pytest.mark.parametrize("who", ["member", "facilitator", "visitor"])
def test_no_page_writes_on_get(client, school, who):
    if who != "visitor":
        client.force_login(school[who])
    walked, writing = 0, {}
    for name, pattern in _names(get_resolver()):
        if name in NOT_WALKED or name == "inbox:open":
            continue
        url = reverse(name, kwargs=_kwargs(name, pattern, school))
        writes = [sql for sql in _writes(client, url) if not READ_MARK.match(sql)]
        if writes:
            writing[name] = writes
        walked += 1
    assert walked > 90
    assert writing == {}


def test_opening_a_notification_marks_only_it_read(client, school):
    member = school["member"]
    notification = Notification.objects.filter(recipient=member).get()
    client.force_login(member)
    writes = _writes(client, reverse("inbox:open", kwargs={"pk": notification.pk}))
    assert writes and all("notifications_notification" in sql for sql in writes)
    notification.refresh_from_db()
    assert notification.read_at is not None
