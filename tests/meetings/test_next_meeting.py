"""The next meeting on the dashboard (through ``circles.extensions``) and in the weekly
digest; one-click unsubscribe from meeting reminders."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Profile
from notifications.selectors import digest_contents
from notifications.services.digests import digest_message
from notifications.services.meeting_reminders import meeting_reminders_sweep
from notifications.services.unsubscribe import unsubscribe_token_make
from tests.factories import ActionLogFactory
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def _dashboard(client) -> tuple[str, int]:
    """The dashboard's text and the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard")).content.decode()
    return page, len(queries)


def test_the_dashboard_shows_the_next_meeting_at_no_extra_query(
    client, frozen, circle, facilitator, member
):
    client.force_login(member)
    _dashboard(client)  # the first visit fills the cached parts (the bell's count)
    page, before = _dashboard(client)
    assert "Next meeting" not in page
    meeting = schedule(circle, facilitator, count=2, title="Rota clinic")
    page, after = _dashboard(client)
    assert after == before
    assert "Next meeting" in page and "Rota clinic" in page
    assert meeting.occurrences.order_by("starts_at")[0].get_absolute_url() in page


def test_the_digest_names_the_next_meeting(frozen, circle, facilitator, member):
    schedule(circle, facilitator, count=2, title="Rota clinic")
    ActionLogFactory(circle=circle, author=facilitator)  # something to read
    week = dt.date(2026, 10, 19)
    content = digest_contents(member_ids=[member.pk], week=week)[member.pk]
    assert content.next_meeting.meeting.title == "Rota clinic"
    message = digest_message(content=content)
    assert "NEXT MEETING" in message.body and "Rota clinic" in message.body
    assert "Tuesday 20 October, 18:00" in message.body
    assert "Rota clinic" in message.alternatives[0][0]


def test_one_click_unsubscribe_stops_meeting_reminders(frozen, circle, facilitator, member):
    token = unsubscribe_token_make(member_id=member.pk, email_type="meetings")
    url = reverse("notifications:unsubscribe", kwargs={"token": token})
    assert Client(enforce_csrf_checks=True).post(url).status_code in (200, 302)
    assert not Profile.objects.get(user=member).meeting_reminders_enabled
    occurrence = schedule(circle, facilitator, count=1).occurrences.get()
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=30))
    assert meeting_reminders_sweep().sent == 1  # the facilitator only


def test_the_preferences_page_turns_reminders_off(client, member):
    client.force_login(member)
    client.post(
        reverse("members:preferences"),
        {"digest_enabled": "on", "nudges_enabled": "on", "response_emails_enabled": "on"},
    )
    assert not Profile.objects.get(user=member).meeting_reminders_enabled
