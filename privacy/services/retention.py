"""Retention: what is kept how long (``settings.RETENTION_*``, ``PRIVACY_EXPORT_DAYS``),
purged every night by beat (``privacy.purge_expired``) and shown by
``manage.py purge_expired --dry-run``.

The purge deletes a batch of rows at a time, each batch its own short transaction
(``privacy.batches``): a night's backlog never holds the rows pages write (a circle's
invites, a member's notifications) for longer than one batch, and a purge killed mid-way
has removed what it committed; the next night's finds the rest by the same filter."""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from meetings.models import ReminderStatus
from notifications.models import DeliveryStatus
from privacy.batches import Pace, delete_locked, pk_pages
from privacy.models import DataExport, ExportState

# A delivery still being sent or waiting for a retry is never purged: only finished ones.
FINISHED = [DeliveryStatus.SENT, DeliveryStatus.SKIPPED]


@dataclass(frozen=True)
class Schedule:
    name: str
    setting: str
    rows: Callable[[dt.datetime], list[models.QuerySet]]

    @property
    def days(self) -> int:
        return getattr(settings, self.setting)


def _deliveries(cutoff):
    model = apps.get_model
    return [
        model("notifications", "DigestDelivery").objects.filter(
            status__in=FINISHED, claimed_at__lt=cutoff
        ),
        model("notifications", "NudgeDelivery").objects.filter(
            status__in=FINISHED, claimed_at__lt=cutoff
        ),
        model("notifications", "ResponseNotification").objects.filter(
            status__in=FINISHED, claimed_at__lt=cutoff
        ),
        model("notifications", "ModerationNotification").objects.filter(
            status__in=FINISHED, decided_at__lt=cutoff
        ),
    ]


def _meeting_reminders(cutoff):
    """Reminders sent for a meeting that ended before the cutoff: counted from the
    meeting's end, not the send, so no row goes while its meeting could still be reminded
    of (a claim still being sent is left to the reminders' own sweep)."""
    reminder = apps.get_model("meetings", "MeetingReminder")
    return [reminder.objects.filter(status=ReminderStatus.SENT, occurrence__ends_at__lt=cutoff)]


def _read_notifications(cutoff):
    """In-app notifications once read (where the notifications app has them)."""
    try:
        model = apps.get_model("notifications", "Notification")
    except LookupError:
        return []
    return [model.objects.filter(read_at__isnull=False, read_at__lt=cutoff)]


def _expired_invites(cutoff):
    invite = apps.get_model("circles", "Invite")
    return [invite.objects.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff))]


def _form_tokens(cutoff):
    """Submitted forms' one-time tokens (``circles.once``): a form posted again after this
    long is taken as new."""
    return [apps.get_model("circles", "FormSubmission").objects.filter(created_at__lt=cutoff)]


def _exports(cutoff):
    """Expired exports: their files are deleted on the day (``exports_expire``); the rows
    saying an export was made go after the same number of days again."""
    return [DataExport.objects.filter(state=ExportState.EXPIRED, expires_at__lt=cutoff)]


SCHEDULES = (
    Schedule("Delivery records (digests, nudges, emails)", "RETENTION_DELIVERY_DAYS", _deliveries),
    Schedule("Read notifications", "RETENTION_READ_NOTIFICATION_DAYS", _read_notifications),
    Schedule("Expired or revoked invite links", "RETENTION_EXPIRED_INVITE_DAYS", _expired_invites),
    Schedule("Expired data exports", "PRIVACY_EXPORT_DAYS", _exports),
    Schedule("Submitted forms' one-time tokens", "RETENTION_FORM_TOKEN_DAYS", _form_tokens),
    Schedule(
        "Meeting reminders sent, counted from the meeting's end",
        "RETENTION_DELIVERY_DAYS",
        _meeting_reminders,
    ),
)


def retention_counts(*, now: dt.datetime | None = None) -> dict[str, int]:
    """How many rows each schedule would remove now."""
    now = now or timezone.now()
    return {
        s.name: sum(qs.count() for qs in s.rows(now - dt.timedelta(days=s.days))) for s in SCHEDULES
    }


def retention_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remove what each schedule has kept long enough, in batches. Returns rows removed per
    schedule (what went with them included, as ``QuerySet.delete`` counts)."""
    now = now or timezone.now()
    removed = {}
    for s in SCHEDULES:
        cutoff = now - dt.timedelta(days=s.days)
        removed[s.name] = sum(_delete_in_batches(qs) for qs in s.rows(cutoff))
    return removed


def _delete_in_batches(rows: models.QuerySet) -> int:
    """Delete ``rows`` a batch at a time, each batch committed on its own; a row is deleted
    only if it still matches the schedule's filter when its batch runs."""
    deleted = 0
    pace = Pace()
    for ids in pk_pages(rows, pace):
        started = time.perf_counter()
        with transaction.atomic():
            deleted += delete_locked(rows.filter(pk__in=ids))[0]
        pace.took(time.perf_counter() - started)
    return deleted
