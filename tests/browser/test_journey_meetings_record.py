"""PRODUCT.md journeys 9 and 10: a facilitator schedules a weekly meeting; a member RSVPs
and adds the calendar feed (fetched and parsed back here); the hour-before reminder
arrives once to each member going (sent by a real Celery worker when PostgreSQL and Redis
are there); the facilitator records attendance; the member turns her log into an NMC
reflective account, downloads it as .docx (opened here with python-docx) and sees her
participatory hours. Every page passes axe with zero violations."""

import datetime as dt
import io
import os
import time
import zoneinfo
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from docx import Document
from icalendar import Calendar
from playwright.sync_api import expect

from circles.permissions import circle_access
from meetings.models import Meeting, MeetingReminder, Occurrence
from meetings.services import rsvp_answer
from notifications.services.meeting_reminders import meeting_reminders_send
from school.enqueue import task_publish
from tests.browser.helpers import check_page, no_page_reload, person, role, sign_in
from tests.factories import (
    PASSWORD,
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
)
from tests.notifications.test_worker import (  # noqa: F401 (fixtures)
    mail_dir,
    sent_to,
    start_worker,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = zoneinfo.ZoneInfo("Europe/London")
CIRCLE = "Safer staffing on the ward"
TITLE = "Circle meeting"
LOG = "Handover huddle at the board"
INSIGHT = "The board helped more than the standing."


def first_start() -> dt.datetime:
    """About 40 minutes from now, in London: inside the hour-before reminder's window,
    and ending on the day it starts."""
    start = (
        (timezone.now() + dt.timedelta(minutes=40))
        .astimezone(LONDON)
        .replace(second=0, microsecond=0)
    )
    if start.time() >= dt.time(23, 40):
        start = (start + dt.timedelta(days=1)).replace(hour=0, minute=1)
    return start


def real_worker_available() -> bool:
    return connection.vendor == "postgresql" and bool(os.environ.get("REDIS_URL"))


@pytest.fixture
def reminders_sent(request, mail_dir):  # noqa: F811
    """Who received meeting reminders: a real worker does the sending when PostgreSQL and
    Redis are there; otherwise the task's service runs here, as the worker would."""

    def run(occurrence) -> Counter:
        if not real_worker_available():
            meeting_reminders_send(occurrence_id=occurrence.pk)
            from django.core import mail

            return Counter(m.to[0] for m in mail.outbox if "In an hour" in m.subject)
        # A fresh worker starts on empty queues (the task queued when the meeting was
        # scheduled is purged with them): beat's five-minute sweep finds the reminders due.
        worker = request.getfixturevalue("start_worker")()
        task_publish("notifications.sweep")
        expected = Counter({"grace@example.org": 1, "asha@example.org": 1})
        wait_until(lambda: sent_to(mail_dir) == expected, worker, "the reminders")
        # The reminders task for the meeting, run again by the worker, sends nothing twice.
        task_publish("notifications.meeting_reminders_send", occurrence.pk)
        wait_until(
            lambda: not MeetingReminder.objects.filter(status="sending").exists(),
            worker,
            "the second run",
        )
        time.sleep(2)
        return sent_to(mail_dir)

    return run


@pytest.fixture
def circle():
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name=CIRCLE, slug="safer-staffing", join_policy="open")
    circle.roles.add(nurse)
    FacilitatorFactory(circle=circle, member=person("Grace Okafor", nurse))
    asha = person("Asha Patel", nurse)
    for member in (asha, person("Ben Adeyemi", nurse)):
        MembershipFactory(circle=circle, member=member)
    ActionLogFactory(
        circle=circle,
        author=asha,
        title=LOG,
        insight=INSIGHT,
        published_at=timezone.now() - dt.timedelta(days=9),
    )
    return circle


def schedule_weekly(grace, start: dt.datetime) -> Occurrence:
    grace.get_by_role("link", name="Meetings of this circle").click()
    check_page(grace, heading="Meetings")
    grace.get_by_role("link", name="Schedule a meeting").click()
    check_page(grace, heading="Schedule a meeting")
    grace.get_by_label("Title").fill(TITLE)
    grace.get_by_label("Date").fill(start.strftime("%Y-%m-%d"))
    grace.get_by_label("Starts at").fill(start.strftime("%H:%M"))
    grace.get_by_label("Ends at").fill((start + dt.timedelta(minutes=15)).strftime("%H:%M"))
    grace.get_by_label("Every week").check()
    grace.get_by_label("How many meetings").fill("6")
    grace.get_by_label("Online link").fill("https://meet.example.org/safer-staffing")
    grace.get_by_role("button", name="Schedule").click()
    expect(grace.get_by_role("status")).to_contain_text(f"Scheduled: {TITLE}")
    check_page(grace, heading=TITLE)
    return Occurrence.objects.order_by("starts_at").first()


def rsvp_and_subscribe(asha, occurrence, start) -> None:
    sign_in(asha, email="asha@example.org", password=PASSWORD)
    expect(asha.get_by_role("region", name="Next meeting")).to_contain_text(TITLE)
    asha.get_by_role("region", name="Next meeting").get_by_role("link", name=TITLE).click()
    check_page(asha, heading=TITLE)
    with no_page_reload(asha):
        asha.get_by_role("button", name="I'm going").click()
        expect(asha.locator("#rsvp-answer")).to_contain_text("You said: going")
        expect(asha.locator("#going")).to_contain_text("Asha Patel")
    check_page(asha, heading=TITLE)
    asha.get_by_role("link", name="Meetings", exact=True).click()
    check_page(asha, heading="Your meetings")
    feed_url = asha.get_by_label("Calendar link").input_value()
    feed = Calendar.from_ical(asha.request.get(feed_url).body())
    events = feed.walk("VEVENT")
    assert len(events) == 6
    starts = sorted(event.decoded("dtstart") for event in events)
    assert starts[0] == start
    assert {str(s.tzinfo) for s in starts} == {"Europe/London"}
    assert all(s.astimezone(LONDON).time() == start.time() for s in starts)  # across DST too
    assert [tz["tzid"] for tz in feed.walk("VTIMEZONE")] == ["Europe/London"]


def take_attendance(grace, occurrence) -> None:
    # The meeting has taken place: it started an hour ago.
    began = timezone.now() - dt.timedelta(hours=1)
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=began, ends_at=began + dt.timedelta(minutes=90)
    )
    grace.goto(occurrence.get_absolute_url())
    check_page(grace, heading=TITLE)
    grace.get_by_label("Asha Patel").check()
    grace.get_by_label("Notes").fill("We agreed to try **the board** on nights.")
    grace.get_by_role("button", name="Save attendance and notes").click()
    expect(grace.get_by_role("status")).to_contain_text("Attendance and notes saved")
    check_page(grace, heading=TITLE)
    expect(grace.locator("#attended")).to_contain_text("Asha Patel")


def export_account(asha) -> None:
    asha.get_by_role("link", name="My record").click()
    check_page(asha, heading="My learning record")
    expect(asha.locator("#cpd-summary")).to_contain_text("1.50 participatory")
    expect(asha.locator("#fig-meetings")).to_have_text("1")
    asha.get_by_role("link", name=f"Turn “{LOG}” into a reflective account").click()
    check_page(asha, heading="New reflective account")
    expect(asha.get_by_label("What did you learn", exact=False)).to_have_value(INSIGHT)
    asha.get_by_label("Preserve safety").check()
    asha.get_by_role("button", name="Save the account").click()
    check_page(asha, heading=LOG)
    expect(asha.locator("#findings-none")).to_be_visible()
    with asha.expect_download() as download:
        asha.get_by_role("link", name="Download as Word (.docx)").click()
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    for prompt in ("What was the nature", "What did you learn", "How did you change", "the Code"):
        assert prompt in text
    assert INSIGHT in text and "☒ Preserve safety" in text


def test_meetings_reminders_attendance_and_a_reflective_account(open_page, circle, reminders_sent):
    start = first_start()
    grace = open_page()
    sign_in(grace, email="grace@example.org", password=PASSWORD)
    grace.goto(circle.get_absolute_url())
    check_page(grace, heading=CIRCLE)
    occurrence = schedule_weekly(grace, start)
    assert Meeting.objects.get().rule == "FREQ=WEEKLY;INTERVAL=1;COUNT=6"

    asha = open_page()
    rsvp_and_subscribe(asha, occurrence, start)
    ben = circle.memberships.get(member__email="ben@example.org").member
    rsvp_answer(access=circle_access(ben, circle), occurrence=occurrence, answer="not_going")

    sent = reminders_sent(occurrence)
    assert sent == Counter({"grace@example.org": 1, "asha@example.org": 1})

    take_attendance(grace, occurrence)
    export_account(asha)
