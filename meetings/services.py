"""Scheduling a circle's meetings and what happens at them. Each function checks who may
do it, writes in one transaction, and queues the reminders after commit (by task name).

Refusals raise ``ValidationError`` (bad input: nothing is written) or
``PermissionDenied``."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from circles.models import ActionLog, Circle, Membership
from circles.permissions import CircleAccess
from meetings.models import (
    MAX_OCCURRENCES,
    AgendaItem,
    AgendaSource,
    Attendance,
    Meeting,
    MeetingReminder,
    MemberCalendar,
    Occurrence,
    OccurrenceStatus,
    Rsvp,
    RsvpAnswer,
    calendar_secret_new,
)
from meetings.permissions import can_answer, require_organiser
from meetings.recurrence import occurrence_starts, rule_for
from school.enqueue import task_enqueue_on_commit

REMINDERS_TASK = "notifications.meeting_reminders_send"


def when_checked(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> None:
    """A meeting starts in the future and ends after it starts."""
    errors = {}
    if ends_at <= starts_at:
        errors["end_time"] = "The meeting ends before it starts: choose an end after the start."
    if starts_at <= now:
        errors["start_date"] = "That time has passed: a meeting can only be scheduled ahead."
    if errors:
        raise ValidationError(errors)


def count_checked(count: int) -> None:
    if count > MAX_OCCURRENCES:
        raise ValidationError(
            {
                "count": f"A series can have at most {MAX_OCCURRENCES} meetings (a year of "
                f"weekly meetings); you asked for {count:,}. Schedule up to {MAX_OCCURRENCES} "
                "now and add more later."
            }
        )
    if count < 1:
        raise ValidationError({"count": "A series has at least one meeting."})


@transaction.atomic
def meeting_schedule(
    *,
    access: CircleAccess,
    title: str,
    time_zone: str,
    first_local: dt.datetime,
    duration_minutes: int,
    repeat: str,
    count: int = 1,
    place: str = "",
    online_url: str = "",
    now: dt.datetime | None = None,
) -> Meeting:
    """Schedule a one-off meeting or a series of ``count`` for the circle. ``first_local``
    is the first start on the wall clock of ``time_zone``."""
    require_organiser(access)
    circle: Circle = access.circle
    if circle.is_archived:
        raise PermissionDenied("An archived circle cannot schedule meetings.")
    now = now or timezone.now()
    count_checked(count)
    rule = rule_for(repeat=repeat, count=count)
    starts = occurrence_starts(first_local=first_local, rule=rule, zone_name=time_zone)
    duration = dt.timedelta(minutes=duration_minutes)
    when_checked(starts_at=starts[0], ends_at=starts[0] + duration, now=now)
    meeting = Meeting.objects.create(
        circle=circle,
        title=title,
        time_zone=time_zone,
        rule=rule,
        first_start=starts[0],
        duration_minutes=duration_minutes,
        place=place,
        online_url=online_url,
        created_by=access.user,
    )
    Occurrence.objects.bulk_create(
        Occurrence(
            meeting=meeting,
            circle=circle,
            original_start=start,
            starts_at=start,
            ends_at=start + duration,
            updated_at=now,
        )
        for start in starts
    )
    first = meeting.occurrences.order_by("starts_at").first()
    task_enqueue_on_commit(REMINDERS_TASK, first.pk)
    return meeting


def _changed(occurrence: Occurrence, *, now: dt.datetime, **fields) -> None:
    """Save a change to the occurrence's calendar entry: its SEQUENCE goes up by one."""
    Occurrence.objects.filter(pk=occurrence.pk).update(
        sequence=F("sequence") + 1, updated_at=now, **fields
    )
    occurrence.refresh_from_db()


@transaction.atomic
def occurrence_move(
    *,
    access: CircleAccess,
    occurrence: Occurrence,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Occurrence:
    """Move one occurrence. Its reminders are sent again for the new time."""
    require_organiser(access)
    now = now or timezone.now()
    if occurrence.is_cancelled:
        raise ValidationError("This meeting was cancelled: schedule a new one instead.")
    when_checked(starts_at=starts_at, ends_at=ends_at, now=now)
    _changed(occurrence, now=now, starts_at=starts_at, ends_at=ends_at)
    MeetingReminder.objects.filter(occurrence=occurrence).delete()
    task_enqueue_on_commit(REMINDERS_TASK, occurrence.pk)
    return occurrence


@transaction.atomic
def occurrence_cancel(
    *, access: CircleAccess, occurrence: Occurrence, now: dt.datetime | None = None
) -> Occurrence:
    """Cancel one occurrence (calendars show it as cancelled; no reminder goes out)."""
    require_organiser(access)
    now = now or timezone.now()
    if occurrence.is_cancelled:
        return occurrence
    if occurrence.has_started(now):
        raise ValidationError("This meeting has already started; it cannot be cancelled.")
    _changed(occurrence, now=now, status=OccurrenceStatus.CANCELLED)
    return occurrence


@transaction.atomic
def rsvp_answer(*, access: CircleAccess, occurrence: Occurrence, answer: str) -> Rsvp:
    """Her answer to one occurrence (going / not going); a new answer replaces the last."""
    if answer not in RsvpAnswer.values:
        raise ValidationError("Answer going or not going.")
    if not can_answer(access, occurrence):
        raise PermissionDenied("You can answer meetings of your circles that are still ahead.")
    rsvp, _ = Rsvp.objects.update_or_create(
        occurrence=occurrence,
        member=access.user,
        defaults={"answer": answer, "answered_at": timezone.now()},
    )
    return rsvp


@transaction.atomic
def attendance_record(
    *,
    access: CircleAccess,
    occurrence: Occurrence,
    member_ids: list[int],
    notes: str,
    now: dt.datetime | None = None,
) -> Occurrence:
    """Record who came (the circle's members among ``member_ids``) and short notes, once
    the meeting has started. Recording again changes only the rows of the circle's current
    members (the roster the form shows): a member who came and has left since keeps her
    attendance, which is part of her learning record."""
    require_organiser(access)
    now = now or timezone.now()
    if occurrence.is_cancelled:
        raise ValidationError("This meeting was cancelled: there is no attendance to take.")
    if not occurrence.has_started(now):
        raise ValidationError("Attendance can be taken once the meeting has started.")
    roster = set(
        Membership.objects.active()
        .filter(circle=occurrence.circle)
        .values_list("member_id", flat=True)
    )
    present = roster.intersection(member_ids)
    occurrence.attendances.filter(member_id__in=roster - present).delete()
    already = set(occurrence.attendances.values_list("member_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(occurrence=occurrence, member_id=pk, recorded_by=access.user, recorded_at=now)
        for pk in sorted(present - already)
    )
    occurrence.notes = notes
    occurrence.attendance_taken_at = now
    occurrence.save(update_fields=["notes", "notes_html", "attendance_taken_at"])
    return occurrence


@transaction.atomic
def agenda_item_add(
    *,
    access: CircleAccess,
    occurrence: Occurrence,
    text: str,
    source: str = AgendaSource.OTHER,
    log: ActionLog | None = None,
) -> AgendaItem:
    """Add an item at the end of the agenda (a draft suggestion, or her own words)."""
    require_organiser(access)
    if log is not None and (log.circle_id != occurrence.circle_id or not access.can_view_log(log)):
        raise PermissionDenied("That log is not in this circle.")
    last = occurrence.agenda.aggregate(last=Max("position"))["last"]
    return AgendaItem.objects.create(
        occurrence=occurrence,
        position=0 if last is None else last + 1,
        text=text.strip()[:300],
        source=source,
        log=log,
        added_by=access.user,
    )


@transaction.atomic
def agenda_item_move(*, access: CircleAccess, item: AgendaItem, up: bool) -> None:
    """Swap the item with the one before (``up``) or after it."""
    require_organiser(access)
    items = list(item.occurrence.agenda.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        if each.position != position:
            AgendaItem.objects.filter(pk=each.pk).update(position=position)


@transaction.atomic
def agenda_item_remove(*, access: CircleAccess, item: AgendaItem) -> None:
    require_organiser(access)
    item.delete()


@transaction.atomic
def calendar_revoke(*, member) -> MemberCalendar:
    """A new secret: every link made before stops working (the first revocation stores her
    calendar's row; until then her secret is empty)."""
    calendar, _ = MemberCalendar.objects.update_or_create(
        member=member, defaults={"secret": calendar_secret_new()}
    )
    return calendar
