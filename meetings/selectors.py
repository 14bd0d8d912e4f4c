"""Reads the meeting pages, the calendars, the dashboard and the digest need, shaped so
that a template runs no query."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from circles.models import ActionLog, Circle, Membership
from circles.permissions import CircleAccess
from meetings.models import (
    AgendaSource,
    Attendance,
    Meeting,
    Occurrence,
    OccurrenceStatus,
    Rsvp,
    RsvpAnswer,
)

AGENDA_DRAFT_SIZE = 8
# How long after publishing an ask is still suggested for the agenda.
ASK_DAYS = 60
# How far back a member's calendar feed reaches.
FEED_DAYS_BACK = 90


def _occurrences():
    return Occurrence.objects.select_related("meeting", "circle")


def circle_meetings(*, circle: Circle, now: dt.datetime | None = None) -> dict:
    """The circle's meetings still ahead (cancelled ones marked) and the last few past."""
    now = now or timezone.now()
    ahead = _occurrences().filter(circle=circle, ends_at__gt=now).order_by("starts_at", "pk")
    past = _occurrences().filter(circle=circle, ends_at__lte=now).order_by("-starts_at", "-pk")
    return {"upcoming": list(ahead[:60]), "past": list(past[:12])}


def circle_time_zone(circle: Circle) -> str | None:
    """The time zone of the circle's latest scheduled meeting: the clock it meets by."""
    return (
        Meeting.objects.filter(circle=circle)
        .order_by("-created_at", "-pk")
        .values_list("time_zone", flat=True)
        .first()
    )


@dataclass
class AgendaSuggestion:
    source: str
    label: str
    log: ActionLog
    text: str


@dataclass
class MeetingPage:
    occurrence: Occurrence
    my_answer: str | None
    going: list = field(default_factory=list)
    not_going: int = 0
    agenda: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    attended: list = field(default_factory=list)
    roster: list = field(default_factory=list)


def _rsvps(occurrence: Occurrence):
    return (
        Rsvp.objects.filter(occurrence=occurrence)
        .select_related("member__profile")
        .order_by("answered_at", "pk")
    )


def meeting_page(*, access: CircleAccess, occurrence: Occurrence) -> MeetingPage:
    """Everything the meeting page shows to this reader."""
    rsvps = list(_rsvps(occurrence))
    page = MeetingPage(
        occurrence=occurrence,
        my_answer=next((r.answer for r in rsvps if r.member_id == access.user.pk), None),
        going=[r.member for r in rsvps if r.answer == RsvpAnswer.GOING],
        not_going=sum(1 for r in rsvps if r.answer == RsvpAnswer.NOT_GOING),
        agenda=list(occurrence.agenda.select_related("log__circle").order_by("position", "pk")),
        attended=[
            a.member
            for a in Attendance.objects.filter(occurrence=occurrence)
            .select_related("member__profile")
            .order_by("member__profile__display_name", "member__email")
        ],
    )
    on_agenda = {item.log_id for item in page.agenda if item.log_id}
    page.suggestions = [s for s in agenda_draft(occurrence=occurrence) if s.log.pk not in on_agenda]
    if access.can_moderate:
        page.roster = [
            m.member
            for m in Membership.objects.active()
            .filter(circle=occurrence.circle)
            .select_related("member__profile")
            .order_by("member__profile__display_name", "member__email")
        ]
    return page


def agenda_draft(*, occurrence: Occurrence) -> list[AgendaSuggestion]:
    """A draft agenda from the circle's state: logs still waiting for a response (oldest
    first), commitments falling due before the meeting, and open asks."""
    shown = (
        ActionLog.objects.published()
        .filter(circle=occurrence.circle_id, is_hidden=False)
        .select_related("circle", "author__profile")
    )
    meeting_day = timezone.localtime(occurrence.starts_at).date()
    waiting = shown.filter(locked_at__isnull=True).unanswered().order_by("published_at", "pk")
    due = (
        shown.open_commitments()
        .filter(next_step_due__lte=meeting_day)
        .order_by("next_step_due", "pk")
    )
    asks = (
        shown.exclude(ask="")
        .not_followed_up()
        .filter(published_at__gte=occurrence.starts_at - dt.timedelta(days=ASK_DAYS))
        .order_by("-published_at", "-pk")
    )
    suggestions, seen = [], set()
    for source, label, logs, text in (
        (AgendaSource.WAITING, "Waiting for a response", waiting, lambda log: log.title),
        (AgendaSource.COMMITMENT, "Commitment due", due, lambda log: log.next_step),
        (AgendaSource.ASK, "Open ask", asks, lambda log: log.ask),
    ):
        for log in logs[:AGENDA_DRAFT_SIZE]:
            if (source, log.pk) in seen:
                continue
            seen.add((source, log.pk))
            words = f"{log.author.display_name}: {text(log)}"
            suggestions.append(AgendaSuggestion(source, label, log, words[:300]))
    return suggestions


def _member_circles(user):
    return Membership.objects.active().filter(member=user).values("circle")


def feed_occurrences(*, member, now: dt.datetime | None = None) -> list[Occurrence]:
    """Her calendar: every occurrence of her circles' meetings from ``FEED_DAYS_BACK`` ago
    on, cancelled ones included (so calendars can remove them)."""
    since = (now or timezone.now()) - dt.timedelta(days=FEED_DAYS_BACK)
    return list(
        _occurrences()
        .filter(circle__in=_member_circles(member), ends_at__gte=since)
        .order_by("starts_at", "pk")
    )


def my_meetings(*, user, now: dt.datetime | None = None) -> list[Occurrence]:
    """Her circles' meetings still ahead, each with her answer (``my_answer``, None when she
    has not answered), loaded with what the page prints."""
    now = now or timezone.now()
    answer = Rsvp.objects.filter(occurrence=OuterRef("pk"), member=user).values("answer")[:1]
    return list(
        _occurrences()
        .filter(circle__in=_member_circles(user), ends_at__gt=now)
        .only("starts_at", "ends_at", "status", "meeting__title", "circle__name", "circle__slug")
        .annotate(my_answer=Subquery(answer))
        .order_by("starts_at", "pk")[:100]
    )


def with_next_meeting(circles, *, now: dt.datetime | None = None):
    """``circles`` annotated with each one's next meeting (not cancelled, not over):
    ``next_meeting_id``, ``_title``, ``_starts_at`` and ``_ends_at``, all None when there
    is none. Subqueries of the circles' own query: no query of its own."""
    upcoming = (
        Occurrence.objects.scheduled()
        .filter(circle=OuterRef("pk"), ends_at__gt=now or timezone.now())
        .order_by("starts_at", "pk")
    )
    return circles.annotate(
        next_meeting_id=Subquery(upcoming.values("pk")[:1]),
        next_meeting_title=Subquery(upcoming.values("meeting__title")[:1]),
        next_meeting_starts_at=Subquery(upcoming.values("starts_at")[:1]),
        next_meeting_ends_at=Subquery(upcoming.values("ends_at")[:1]),
    )


def next_meetings_of_circles(
    *, circle_ids, after: dt.datetime, before: dt.datetime
) -> dict[int, Occurrence]:
    """Each circle's first meeting between ``after`` and ``before`` (one query)."""
    firsts: dict[int, Occurrence] = {}
    for occurrence in (
        _occurrences()
        .scheduled()
        .filter(circle_id__in=circle_ids, starts_at__gte=after, starts_at__lt=before)
        .order_by("starts_at", "pk")
    ):
        firsts.setdefault(occurrence.circle_id, occurrence)
    return firsts


def attended_by(*, member, start: dt.datetime | None = None, end: dt.datetime | None = None):
    """The meetings she attended (with meeting and circle), latest first."""
    rows = Attendance.objects.filter(
        member=member, occurrence__status=OccurrenceStatus.SCHEDULED
    ).select_related("occurrence__meeting", "occurrence__circle")
    if start is not None:
        rows = rows.filter(occurrence__starts_at__gte=start)
    if end is not None:
        rows = rows.filter(occurrence__starts_at__lt=end)
    return rows.order_by("-occurrence__starts_at", "-pk")
