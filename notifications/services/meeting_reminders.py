"""Meeting reminders: the day before and an hour before, to the circle's active members
who have not said "not going", who want meeting reminders and can be reached.

Each reminder claims a ``meetings.MeetingReminder`` row first, unique per (member,
occurrence, kind): a re-run, a redelivered task or a second sweep finds the row and sends
nothing twice. A failed send deletes the claim, so the next sweep tries again while the
reminder is still due. Moving an occurrence deletes its rows (``meetings.services``), so
the new time is reminded of; a cancelled occurrence is never reminded of.

The database is the source of truth: scheduling or moving a meeting queues
``meeting_reminders_send`` for it, and the five-minute sweep sends whatever is due that
no task sent (a lost message, a reminder that fell due since)."""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from circles.models import CircleStatus, Membership
from meetings.models import (
    MeetingReminder,
    Occurrence,
    ReminderKind,
    ReminderStatus,
    Rsvp,
    RsvpAnswer,
)
from notifications import emails
from notifications.claims import claim_insert, claimed_send
from notifications.models import claims_stale
from notifications.selectors import reachable_members

logger = logging.getLogger(__name__)

# When each reminder is due: from ``opens`` before the start until ``closes`` before it (a
# meeting scheduled or moved to less than 20 hours ahead gets only the hour-before one).
WINDOWS = {
    ReminderKind.DAY_BEFORE: (dt.timedelta(hours=24), dt.timedelta(hours=20)),
    ReminderKind.HOUR_BEFORE: (dt.timedelta(hours=1), dt.timedelta(0)),
}


@dataclass
class ReminderResult:
    sent: int = 0
    failed: int = 0


def kinds_due(occurrence: Occurrence, *, now: dt.datetime) -> list[str]:
    """The reminders of ``occurrence`` due at ``now`` (none when it is cancelled)."""
    if occurrence.is_cancelled:
        return []
    return [
        kind
        for kind, (opens, closes) in WINDOWS.items()
        if occurrence.starts_at - opens <= now < occurrence.starts_at - closes
    ]


def _recipients(occurrence: Occurrence, kind: str):
    """Members to remind: active in the circle, not "not going", wanting reminders,
    reachable, and not yet claimed for this kind."""
    in_circle = Membership.objects.active().filter(
        circle_id=occurrence.circle_id, member=OuterRef("pk")
    )
    declined = Rsvp.objects.filter(
        occurrence=occurrence, member=OuterRef("pk"), answer=RsvpAnswer.NOT_GOING
    )
    claimed = MeetingReminder.objects.filter(
        occurrence=occurrence, member=OuterRef("pk"), kind=kind
    )
    return (
        reachable_members()
        .filter(Exists(in_circle), profile__meeting_reminders_enabled=True)
        .exclude(Exists(declined))
        .exclude(Exists(claimed))
        .select_related("profile")
        .order_by("pk")
    )


def reminder_deliver(*, member, occurrence: Occurrence, kind: str, token: str) -> bool:
    """Claim, send, mark sent; a failed send releases the claim and re-raises."""
    claim = claim_insert(
        MeetingReminder, member_id=member.pk, occurrence=occurrence, kind=kind, claim_token=token
    )
    if claim is None:
        return False
    message = emails.message_build(
        template="meeting_reminder",
        context={
            "member": member,
            "occurrence": occurrence,
            "meeting": occurrence.meeting,
            "circle": occurrence.circle,
            "kind": kind,
            "meeting_url": emails.absolute(occurrence.get_absolute_url()),
        },
        to=member.email,
        member_id=member.pk,
        email_type="meetings",
    )
    claimed_send(message, MeetingReminder.objects.filter(pk=claim.pk), sent=ReminderStatus.SENT)
    return True


def meeting_reminders_send(
    *, occurrence_id: int, now: dt.datetime | None = None, token: str | None = None
) -> ReminderResult:
    """Send the reminders of one occurrence that are due now. One recipient's failure is
    logged and left for the sweep; the others still go."""
    now = now or timezone.now()
    token = token or uuid.uuid4().hex
    result = ReminderResult()
    occurrence = (
        Occurrence.objects.select_related("meeting", "circle")
        .filter(pk=occurrence_id, circle__status=CircleStatus.ACTIVE)
        .first()
    )
    if occurrence is None:
        return result
    for kind in kinds_due(occurrence, now=now):
        for member in _recipients(occurrence, kind):
            try:
                if reminder_deliver(member=member, occurrence=occurrence, kind=kind, token=token):
                    result.sent += 1
            except Exception:
                logger.exception("Meeting reminder to member %s failed", member.pk)
                result.failed += 1
    return result


def meeting_reminders_sweep(*, now: dt.datetime | None = None) -> ReminderResult:
    """Every reminder due now that nobody sent: release stale claims, then send for each
    occurrence starting within the next day."""
    now = now or timezone.now()
    claims_stale(MeetingReminder, now=now).delete()
    total = ReminderResult()
    soon = (
        Occurrence.objects.scheduled()
        .filter(starts_at__gt=now, starts_at__lte=now + WINDOWS[ReminderKind.DAY_BEFORE][0])
        .values_list("pk", flat=True)
        .order_by("starts_at")
    )
    for occurrence_id in list(soon):
        result = meeting_reminders_send(occurrence_id=occurrence_id, now=now)
        total.sent += result.sent
        total.failed += result.failed
    return total
