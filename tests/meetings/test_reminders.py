"""Meeting reminders: the day before and an hour before, to members who have not said
"not going" and want them, exactly once per member, occurrence and kind (claimed before
the send, released when it fails), sent again for a moved meeting's new time, never for a
cancelled one; the sweep finds what no task sent."""

import datetime as dt

import pytest
from django.core import mail

from circles.permissions import circle_access
from meetings import services
from meetings.models import MeetingReminder, ReminderStatus
from notifications.services.meeting_reminders import (
    meeting_reminders_send,
    meeting_reminders_sweep,
)
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def occurrence(frozen, circle, facilitator, member):
    return schedule(circle, facilitator, count=2).occurrences.order_by("starts_at").first()


def recipients() -> list[str]:
    return sorted(address for m in mail.outbox for address in m.to)


def test_the_hour_before_reminder_goes_once_to_each_member(frozen, occurrence, facilitator, member):
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=50))
    assert meeting_reminders_send(occurrence_id=occurrence.pk).sent == 2
    assert meeting_reminders_send(occurrence_id=occurrence.pk).sent == 0
    assert meeting_reminders_sweep().sent == 0
    assert recipients() == sorted([facilitator.email, member.email])
    message = mail.outbox[0]
    assert message.subject.startswith("In an hour: Circle meeting (Ward managers North)")
    assert "18:00" in message.subject
    assert "/email/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert set(MeetingReminder.objects.values_list("kind", "status")) == {
        ("hour_before", ReminderStatus.SENT)
    }


def test_the_day_before_reminder(frozen, occurrence):
    frozen.move_to(occurrence.starts_at - dt.timedelta(hours=22))
    assert meeting_reminders_sweep().sent == 2
    assert mail.outbox[0].subject.startswith("Tomorrow: ")
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=30))
    assert meeting_reminders_sweep().sent == 2
    assert len(mail.outbox) == 4


def test_no_reminder_for_not_going_or_reminders_turned_off(
    client, frozen, occurrence, facilitator, member
):
    services.rsvp_answer(
        access=circle_access(member, occurrence.circle), occurrence=occurrence, answer="not_going"
    )
    facilitator.profile.meeting_reminders_enabled = False
    facilitator.profile.save()
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=50))
    assert meeting_reminders_sweep().sent == 0
    assert mail.outbox == []


def test_a_cancelled_meeting_is_not_reminded_of(frozen, occurrence, facilitator):
    services.occurrence_cancel(
        access=circle_access(facilitator, occurrence.circle), occurrence=occurrence
    )
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=50))
    assert meeting_reminders_sweep().sent == 0
    assert meeting_reminders_send(occurrence_id=occurrence.pk).sent == 0


def test_a_moved_meeting_is_reminded_of_at_its_new_time(frozen, occurrence, facilitator):
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=50))
    assert meeting_reminders_sweep().sent == 2
    later = occurrence.starts_at + dt.timedelta(hours=3)
    services.occurrence_move(
        access=circle_access(facilitator, occurrence.circle),
        occurrence=occurrence,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=1),
    )
    assert meeting_reminders_sweep().sent == 0  # not due yet at the new time
    frozen.move_to(later - dt.timedelta(minutes=45))
    assert meeting_reminders_sweep().sent == 2
    assert "19:00" in mail.outbox[-1].body or "21:00" in mail.outbox[-1].body


def test_a_failed_send_releases_the_claim_and_the_sweep_sends_it_later(
    frozen, settings, occurrence
):
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=50))
    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.BrokenSMTPBackend"
    result = meeting_reminders_sweep()
    assert (result.sent, result.failed) == (0, 2)
    assert not MeetingReminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=40))
    assert meeting_reminders_sweep().sent == 2


def test_a_stale_claim_is_released_by_the_sweep(frozen, occurrence, member):
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=59))
    MeetingReminder.objects.create(
        member=member,
        occurrence=occurrence,
        kind="hour_before",
        claimed_at=occurrence.starts_at - dt.timedelta(hours=2),
    )
    assert meeting_reminders_sweep().sent == 2


def test_scheduling_a_meeting_within_the_hour_queues_its_reminder(
    frozen, circle, facilitator, member, tasks_run_at_once, django_capture_on_commit_callbacks
):
    soon = dt.datetime(2026, 10, 13, 12, 40)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        schedule(circle, facilitator, first_local=soon, repeat="once", count=1)
    assert len(callbacks) == 1
    assert recipients() == sorted([facilitator.email, member.email])
    assert mail.outbox[0].subject.startswith("In an hour")


def test_a_member_in_another_zone_is_told_her_own_time(frozen, occurrence, member):
    member.profile.time_zone = "America/New_York"
    member.profile.save()
    frozen.move_to(occurrence.starts_at - dt.timedelta(minutes=50))
    meeting_reminders_sweep()
    hers = next(m for m in mail.outbox if m.to == [member.email])
    assert "13:00" in hers.subject and "13:00 to 14:00" in hers.body  # 18:00 in London
