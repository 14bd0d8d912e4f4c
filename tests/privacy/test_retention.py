"""Retention: each schedule removes what it has kept for its settings' days, and nothing
younger or still being sent; ``purge_expired --dry-run`` shows the counts and removes
nothing; beat runs the purge nightly."""

import datetime as dt
import uuid
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from circles.models import FormSubmission, Invite
from meetings.models import Meeting, MeetingReminder, Occurrence, ReminderStatus
from notifications.models import DeliveryStatus, DigestDelivery, NudgeDelivery
from privacy.models import DataExport, ExportState
from privacy.services.retention import retention_purge
from tests.factories import CircleFactory, UserFactory

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def days_ago(n):
    return NOW - dt.timedelta(days=n)


@pytest.fixture
def aged(db, settings):
    settings.RETENTION_DELIVERY_DAYS = 180
    settings.RETENTION_EXPIRED_INVITE_DAYS = 30
    settings.PRIVACY_EXPORT_DAYS = 7
    settings.RETENTION_FORM_TOKEN_DAYS = 30
    member = UserFactory()
    for week, (age, status) in enumerate(
        [(200, DeliveryStatus.SENT), (200, DeliveryStatus.FAILED), (100, DeliveryStatus.SENT)]
    ):
        DigestDelivery.objects.create(
            member=member,
            week=dt.date(2026, 1, 5) + dt.timedelta(weeks=week),
            status=status,
            claimed_at=days_ago(age),
        )
    NudgeDelivery.objects.create(
        member=member, kind="quiet_member", subject_key="a", day=days_ago(181).date(),
        status=DeliveryStatus.SENT, claimed_at=days_ago(181),
    )  # fmt: skip
    circle = CircleFactory()
    Invite.objects.create(circle=circle, expires_at=days_ago(31))
    Invite.objects.create(circle=circle, expires_at=days_ago(29))
    Invite.objects.create(circle=circle, expires_at=NOW + dt.timedelta(days=5))
    DataExport.objects.create(member=member, state=ExportState.EXPIRED, expires_at=days_ago(8))
    DataExport.objects.create(member=member, state=ExportState.EXPIRED, expires_at=days_ago(3))
    _reminded(member, circle)
    for age, url in ((31, "/old/"), (29, "/recent/")):
        FormSubmission.objects.create(
            member=member, token=uuid.uuid4(), made_url=url, created_at=days_ago(age)
        )
    return member


def _reminded(member, circle):
    """Reminders sent for a meeting that ended 181 days ago (two) and 179 days ago (one),
    claimed the day before each."""
    meeting = Meeting.objects.create(
        circle=circle, title="Circle meeting", time_zone="Europe/London",
        first_start=days_ago(182), duration_minutes=60,
    )  # fmt: skip
    for age in (181, 179):
        ends = days_ago(age)
        occurrence = Occurrence.objects.create(
            meeting=meeting, circle=circle, original_start=ends - dt.timedelta(hours=1),
            starts_at=ends - dt.timedelta(hours=1), ends_at=ends,
        )  # fmt: skip
        kinds = ["day_before", "hour_before"] if age == 181 else ["day_before"]
        for kind in kinds:
            MeetingReminder.objects.create(
                member=member, occurrence=occurrence, kind=kind, status=ReminderStatus.SENT,
                claimed_at=ends - dt.timedelta(days=1), sent_at=ends - dt.timedelta(days=1),
            )  # fmt: skip


def test_each_schedule_removes_only_what_it_kept_long_enough(aged):
    with time_machine.travel(NOW, tick=False):
        removed = retention_purge()
    assert removed == {
        "Delivery records (digests, nudges, emails)": 2,
        "Read notifications": 0,
        "Expired or revoked invite links": 1,
        "Expired data exports": 1,
        "Submitted forms' one-time tokens": 1,
        "Meeting reminders sent, counted from the meeting's end": 2,
    }
    # A reminder of a meeting that ended less than 180 days ago stays.
    assert list(MeetingReminder.objects.values_list("occurrence__ends_at", flat=True)) == [
        days_ago(179)
    ]
    # A failed digest (still to be retried) and a younger one stay.
    assert DigestDelivery.objects.count() == 2
    assert Invite.objects.count() == 2 and DataExport.objects.count() == 1
    assert list(FormSubmission.objects.values_list("made_url", flat=True)) == ["/recent/"]


def test_the_purge_removes_the_same_rows_a_batch_a_transaction(aged, settings, monkeypatch):
    from privacy.services import retention

    settings.PRIVACY_BATCH_SIZE = 1
    batches = []
    delete_locked = retention.delete_locked

    def counted(rows):
        batches.append(len(rows.values_list("pk", flat=True)))
        return delete_locked(rows)

    monkeypatch.setattr(retention, "delete_locked", counted)
    with time_machine.travel(NOW, tick=False):
        removed = retention_purge()
    assert sum(removed.values()) == 7
    assert batches == [1] * 7
    assert DigestDelivery.objects.count() == 2 and Invite.objects.count() == 2


def test_the_dry_run_shows_counts_and_removes_nothing(aged):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_expired", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Delivery records (digests, nudges, emails) (kept 180 days): would remove 2" in text
    assert "Expired or revoked invite links (kept 30 days): would remove 1" in text
    assert (
        "Meeting reminders sent, counted from the meeting's end (kept 180 days): would remove 2"
        in text
    )
    assert "Export files past their link's date: would remove 0" in text
    assert DigestDelivery.objects.count() == 3 and Invite.objects.count() == 3
    with time_machine.travel(NOW, tick=False):
        call_command("purge_expired", stdout=StringIO())
    assert DigestDelivery.objects.count() == 2


def test_the_settings_change_the_schedule(aged, settings):
    settings.RETENTION_DELIVERY_DAYS = 90
    with time_machine.travel(NOW, tick=False):
        removed = retention_purge()
    assert removed["Delivery records (digests, nudges, emails)"] == 3
    assert removed["Meeting reminders sent, counted from the meeting's end"] == 3


@pytest.mark.django_db
def test_beat_runs_the_purge_nightly_and_the_sweep():
    tasks = dict(PeriodicTask.objects.values_list("task", "crontab__hour"))
    assert tasks["privacy.purge_expired"] == "3"
    assert "privacy.sweep" in tasks


def test_the_sweep_restarts_lost_exports_and_erasures(
    world, tasks_run_at_once, mailoutbox, settings, tmp_path
):
    from privacy.models import Erasure, ErasureMode, ErasureState
    from privacy.services.erasure import erasure_request
    from privacy.services.exports import export_request
    from privacy.tasks import sweep_task

    settings.PRIVACY_EXPORT_DIR = tmp_path
    export = export_request(member=world.bob)  # no commit in this test: never enqueued
    erasure = erasure_request(member=world.alice, mode=ErasureMode.REMOVE)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        sweep_task.apply().get()
    assert DataExport.objects.get(pk=export.pk).state == ExportState.READY
    assert Erasure.objects.get(pk=erasure.pk).state == ErasureState.DONE
    assert [m.to for m in mailoutbox] == [["bob@example.org"]]
