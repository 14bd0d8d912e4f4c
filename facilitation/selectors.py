"""Reads for facilitators and staff: the moderation queue, the audit log and circle health.

Each selector runs a fixed number of queries however many items there are, and returns
objects already shaped for the templates.

How the health figures are defined (the same on the circle page, in the CSV and in the
staff overview):

- *window*: the last ``weeks`` calendar weeks (Monday to Sunday, in the school's time zone),
  the current week included and counted so far, starting no earlier than the week the
  circle was created (a young circle shows only the weeks it has existed; activity dated
  before its creation, as with logs brought in from elsewhere, is never cut off).
- *active members*: memberships in the active state, facilitators included.
- *logs per week*: published logs in the window, by the week they were published. Hidden
  logs are left out of every figure (a facilitator took them out of the conversation).
- *got a response*: a log with at least one response, not hidden, from someone other than
  its author. *Response rate* = logs in the window that got one / logs in the window.
- *time to first response*: from publishing to that first response; the median over the
  logs in the window that got one.
- *silent members*: active members (not facilitators) who joined 3 weeks ago or more and
  have published no log and written no response in the circle for 3 weeks or more.
- *unanswered logs*: published, not hidden, not locked logs (of any age) still without a
  response from someone other than the author; oldest first.
- *responses by kind*: responses (not hidden, on logs not hidden) written in the window.
- *responses per week*: the same responses (replies to them are not counted, as in
  responses by kind), by the week they were written.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.utils import timezone

from circles.models import (
    ActionLog,
    Circle,
    LogState,
    Membership,
    MembershipKind,
    MembershipState,
    Response,
    ResponseKind,
)
from circles.selectors import circle_pending_requests, response_counts
from facilitation.models import ModerationAction, Report, ReportState
from members.models import display_name_of

SILENT_AFTER = timedelta(weeks=3)


# --- moderation queue --------------------------------------------------------------------------


@dataclass
class QueueItem:
    """One reported log or response and every open report on it."""

    kind: str  # "log" or "response"
    target: ActionLog | Response
    log: ActionLog
    reports: list[Report] = field(default_factory=list)


def moderation_queue(*, circle: Circle) -> dict:
    """Open reports grouped by what they report (oldest first), and pending join requests."""
    reports = (
        Report.objects.filter(circle=circle, state=ReportState.OPEN)
        .select_related(
            "reporter__profile",
            "log__author__profile",
            "response__author__profile",
            "response__log",
        )
        .order_by("created_at", "pk")
    )
    items: dict[tuple[str, int], QueueItem] = {}
    for report in reports:
        if report.log_id:
            key = ("log", report.log_id)
            item = items.setdefault(key, QueueItem("log", report.log, report.log))
        else:
            key = ("response", report.response_id)
            item = items.setdefault(
                key, QueueItem("response", report.response, report.response.log)
            )
        item.reports.append(report)
    return {"items": list(items.values()), "requests": list(circle_pending_requests(circle=circle))}


def open_reports() -> QuerySet[Report]:
    """Reports nobody has dealt with yet (provided to the other apps as
    ``circles.extensions.open_reports``)."""
    return Report.objects.filter(state=ReportState.OPEN)


# --- audit log and members ---------------------------------------------------------------------


def report_exists(*, reporter, log: ActionLog | None = None, response=None) -> bool:
    """Whether ``reporter`` has already reported this log or response."""
    lookup = {"log": log} if log is not None else {"response": response}
    return Report.objects.filter(reporter=reporter, **lookup).exists()


def audit_log(*, circle: Circle) -> QuerySet[ModerationAction]:
    """Every recorded decision in the circle, newest first."""
    return ModerationAction.objects.filter(circle=circle).select_related(
        "actor__profile", "target_member__profile"
    )


def circle_members(*, circle: Circle) -> list[Membership]:
    """Active members, facilitators first, then by name."""
    memberships = (
        Membership.objects.active().filter(circle=circle).select_related("member__profile")
    )
    return sorted(
        memberships,
        key=lambda m: (m.kind != MembershipKind.FACILITATOR, m.member.display_name.lower()),
    )


def circle_logs(*, circle: Circle) -> QuerySet[ActionLog]:
    """The circle's published logs for the facilitators' list: pinned first, then newest,
    with how many open reports each has."""
    return (
        ActionLog.objects.filter(circle=circle, state=LogState.PUBLISHED)
        .select_related("author__profile")
        .annotate(
            open_reports=Count("reports", filter=Q(reports__state=ReportState.OPEN), distinct=True),
        )
        .annotate(**response_counts())
        .order_by(F("pinned_at").desc(nulls_last=True), "-published_at", "-pk")
    )


# --- circle health -----------------------------------------------------------------------------


def week_starts(*, now: datetime, weeks: int) -> list[date]:
    """The Mondays that start each of the last ``weeks`` weeks, oldest first."""
    today = timezone.localdate(now)
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


@dataclass(frozen=True)
class SilentMember:
    """A member gone quiet, as the health page and its CSV name her."""

    name: str
    last_active_at: datetime | None


@dataclass
class Health:
    circle: Circle
    now: datetime
    weeks: list[date]
    active_members: int = 0
    logs_per_week: list[int] = field(default_factory=list)
    responses_per_week: list[int] = field(default_factory=list)
    logs_in_window: int = 0
    logs_answered: int = 0
    median_first_response: timedelta | None = None
    silent_members: list[SilentMember] = field(default_factory=list)
    silent_count: int = 0
    unanswered_logs: list[ActionLog] = field(default_factory=list)
    unanswered_count: int = 0
    responses_by_kind: list[tuple[str, int]] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        if not self.logs_in_window:
            return None
        return self.logs_answered / self.logs_in_window

    @property
    def response_rate_percent(self) -> int | None:
        rate = self.response_rate
        return None if rate is None else round(rate * 100)

    @property
    def median_hours(self) -> float | None:
        if self.median_first_response is None:
            return None
        return round(self.median_first_response.total_seconds() / 3600, 1)

    @property
    def median_display(self) -> str:
        """The median wait in words a person reads at a glance: minutes, hours or days."""
        if self.median_first_response is None:
            return "—"
        seconds = self.median_first_response.total_seconds()
        if seconds < 3600:
            minutes = max(1, round(seconds / 60))
            return f"{minutes} minute{'s' if minutes != 1 else ''}"
        hours = seconds / 3600
        if hours < 48:
            return f"{round(hours, 1):g} hour{'s' if round(hours, 1) != 1 else ''}"
        return f"{round(hours / 24, 1):g} days"

    @property
    def unanswered_more(self) -> int:
        """Unanswered logs beyond those listed."""
        return self.unanswered_count - len(self.unanswered_logs)

    @property
    def weekly(self) -> list[tuple[date, int]]:
        return list(zip(self.weeks, self.logs_per_week, strict=True))

    @property
    def weekly_responses(self) -> list[tuple[date, int]]:
        return list(zip(self.weeks, self.responses_per_week, strict=True))

    @property
    def window_start(self) -> date:
        return self.weeks[0]


def _health_for(
    circles: list[Circle],
    *,
    now: datetime,
    weeks: int,
    detail: bool,
    unanswered_limit: int | None = None,
) -> list[Health]:
    """Health of several circles in a fixed number of queries (4 with ``detail``, 3 without).
    With ``detail`` (one circle), ``unanswered_limit`` lists only the oldest unanswered logs
    (``unanswered_count`` still counts them all)."""
    starts = week_starts(now=now, weeks=weeks)
    window_start = timezone.make_aware(datetime.combine(starts[0], time.min))
    by_id = {
        c.pk: Health(
            circle=c,
            now=now,
            weeks=starts,
            logs_per_week=[0] * weeks,
            responses_per_week=[0] * weeks,
        )
        for c in circles
    }
    index = {monday: i for i, monday in enumerate(starts)}
    _health_logs(by_id, index=index, window_start=window_start, now=now)
    _health_members(by_id, now=now, detail=detail)
    if detail:
        _health_unanswered_listed(by_id, now=now, limit=unanswered_limit)
        _health_responses(by_id, index=index, window_start=window_start, now=now)
    else:
        for circle_id in _unanswered(list(by_id), now=now).values_list("circle_id", flat=True):
            by_id[circle_id].unanswered_count += 1
    for health in by_id.values():
        _start_at_creation(health)
    return list(by_id.values())


def _week_index(index: dict, moment: datetime, zone) -> int:
    """The week of ``moment`` on the clock of ``zone`` (the current time zone, read once
    for all the rows)."""
    local = moment.astimezone(zone).date()
    return index[local - timedelta(days=local.weekday())]


def _health_logs(by_id: dict, *, index: dict, window_start: datetime, now: datetime) -> None:
    """Logs published in the window, with their first answer (``Response.answering``)."""
    first_answer = (
        Response.objects.answering()
        .filter(log=OuterRef("pk"))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    logs = (
        ActionLog.objects.filter(
            circle_id__in=list(by_id),
            state=LogState.PUBLISHED,
            is_hidden=False,
            published_at__gte=window_start,
            published_at__lte=now,
        )
        .annotate(first_response=Subquery(first_answer))
        .values_list("circle_id", "published_at", "first_response")
    )
    waits: dict[int, list[timedelta]] = defaultdict(list)
    zone = timezone.get_current_timezone()
    for circle_id, published_at, first_response in logs:
        health = by_id[circle_id]
        health.logs_per_week[_week_index(index, published_at, zone)] += 1
        health.logs_in_window += 1
        if first_response is not None:
            health.logs_answered += 1
            waits[circle_id].append(first_response - published_at)
    for circle_id, values in waits.items():
        by_id[circle_id].median_first_response = statistics.median(values)


def _last_contribution(model, *, circle: str, moment: str, **published):
    """The latest ``moment`` of the membership's author's ``model`` rows in its circle
    (``circle``: the path to it), a subquery of the memberships' query."""
    return Subquery(
        model.objects.filter(
            **{circle: OuterRef("circle_id")}, author_id=OuterRef("member_id"), **published
        )
        .order_by()
        .values("author_id")
        .annotate(last=Max(moment))
        .values("last")
    )


def _health_members(by_id: dict, *, now: datetime, detail: bool) -> None:
    """Active memberships and who is silent. The page (``detail``) shows each silent
    member's latest contribution; the overview only asks whether any contribution is
    recent. Rows of values, not models: a circle has hundreds of members."""
    ids = list(by_id)
    silent_before = now - SILENT_AFTER
    memberships = Membership.objects.filter(
        circle_id__in=ids, state=MembershipState.ACTIVE
    ).order_by("joined_at", "pk")
    if detail:
        memberships = memberships.annotate(
            last_log=_last_contribution(
                ActionLog, circle="circle_id", moment="published_at", state=LogState.PUBLISHED
            ),
            last_response=_last_contribution(
                Response, circle="log__circle_id", moment="created_at"
            ),
            email=F("member__email"),
            display_name=F("member__profile__display_name"),
        )
        fields = ("last_log", "last_response", "email", "display_name")
    else:
        recent_log = ActionLog.objects.filter(
            circle_id=OuterRef("circle_id"),
            author_id=OuterRef("member_id"),
            state=LogState.PUBLISHED,
            published_at__gt=silent_before,
        )
        recent_response = Response.objects.filter(
            log__circle_id=OuterRef("circle_id"),
            author_id=OuterRef("member_id"),
            created_at__gt=silent_before,
        )
        memberships = memberships.annotate(
            recently_active=Exists(recent_log) | Exists(recent_response)
        )
        fields = ("recently_active",)
    rows = memberships.values_list("circle_id", "kind", "joined_at", "created_at", *fields)
    for circle_id, kind, joined_at, created_at, *activity in rows:
        health = by_id[circle_id]
        health.active_members += 1
        if detail:
            last_log, last_response, email, display_name = activity
            moments = [m for m in (last_log, last_response) if m is not None]
            last_active = max(moments) if moments else None
            quiet = last_active is None or last_active <= silent_before
        else:
            quiet = not activity[0]
        joined = joined_at or created_at
        if kind == MembershipKind.MEMBER and joined <= silent_before and quiet:
            health.silent_count += 1
            if detail:
                name = display_name_of(display_name, email)
                health.silent_members.append(SilentMember(name, last_active))


def _unanswered(ids: list[int], *, now: datetime):
    """Logs still waiting for a response from a peer, oldest first."""
    return (
        ActionLog.objects.filter(
            circle_id__in=ids,
            state=LogState.PUBLISHED,
            is_hidden=False,
            locked_at__isnull=True,
            published_at__lte=now,
        )
        .unanswered()
        .order_by("published_at", "pk")
    )


def _health_unanswered_listed(by_id: dict, *, now: datetime, limit: int | None) -> None:
    """The oldest ``limit`` unanswered logs (what the page and the CSV print of them, their
    circle attached), each row carrying how many there are in all."""
    listed = (
        _unanswered(list(by_id), now=now)
        .select_related("author__profile")
        .only("circle", "title", "published_at", "author__email", "author__profile__display_name")
        .annotate(total=Window(Count("pk"), partition_by=[F("circle_id")]))
    )
    if limit is not None:
        listed = listed[:limit]
    for log in listed:
        health = by_id[log.circle_id]
        log.circle = health.circle
        health.unanswered_logs.append(log)
        health.unanswered_count = log.total


def _health_responses(by_id: dict, *, index: dict, window_start: datetime, now: datetime) -> None:
    """Responses by kind and per week in the window (replies have no kind of their own)."""
    kinds: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ResponseKind.values, 0))
    rows = (
        Response.objects.top_level()
        .filter(
            log__circle_id__in=list(by_id),
            log__state=LogState.PUBLISHED,
            log__is_hidden=False,
            is_hidden=False,
            created_at__gte=window_start,
            created_at__lte=now,
        )
        .values_list("log__circle_id", "kind", "created_at")
    )
    zone = timezone.get_current_timezone()
    for circle_id, kind, created_at in rows:
        kinds[circle_id][kind] += 1
        by_id[circle_id].responses_per_week[_week_index(index, created_at, zone)] += 1
    for circle_id, health in by_id.items():
        counts = kinds[circle_id]
        health.responses_by_kind = [(ResponseKind(k).label, counts[k]) for k in ResponseKind.values]


def _start_at_creation(health: Health) -> None:
    """Drop the weeks before the circle was created (all empty) from the window, keeping
    any week with activity in it."""
    created = timezone.localdate(health.circle.created_at)
    created_monday = created - timedelta(days=created.weekday())
    first = sum(1 for monday in health.weeks if monday < created_monday)
    active = [
        i
        for i, counts in enumerate(
            zip(health.logs_per_week, health.responses_per_week, strict=True)
        )
        if any(counts)
    ]
    first = min(first, active[0] if active else first, len(health.weeks) - 1)
    health.weeks = health.weeks[first:]
    health.logs_per_week = health.logs_per_week[first:]
    health.responses_per_week = health.responses_per_week[first:]


def circle_health(
    *,
    circle: Circle,
    now: datetime | None = None,
    weeks: int = 12,
    unanswered_limit: int | None = None,
) -> Health:
    """Everything the circle's health page and CSV show (4 queries); ``unanswered_limit``
    lists only that many of the oldest unanswered logs (the count is of all)."""
    return _health_for(
        [circle],
        now=now or timezone.now(),
        weeks=weeks,
        detail=True,
        unanswered_limit=unanswered_limit,
    )[0]


OVERVIEW_SORTS = {
    "name": lambda h: h.circle.name.lower(),
    "members": lambda h: h.active_members,
    "logs": lambda h: h.logs_in_window,
    "rate": lambda h: -1 if h.response_rate is None else h.response_rate,
    "wait": lambda h: (
        float("inf") if h.median_first_response is None else h.median_first_response.total_seconds()
    ),
    "silent": lambda h: h.silent_count,
    "unanswered": lambda h: h.unanswered_count,
}


def health_overview(
    *, sort: str = "name", descending: bool = False, now: datetime | None = None, weeks: int = 12
) -> list[Health]:
    """Headline health figures of every circle, for staff (4 queries), sorted by a column
    of ``OVERVIEW_SORTS``; ties keep name order."""
    circles = list(Circle.objects.order_by("name", "pk"))
    rows = _health_for(circles, now=now or timezone.now(), weeks=weeks, detail=False)
    key = OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["name"])
    return sorted(rows, key=key, reverse=descending)
