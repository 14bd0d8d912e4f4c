"""What the learning record shows: her cycles (chains of logs) with prediction beside
outcome, her commitments kept, late and open, the meetings she attended with their hours,
the responses she gave, her CPD against her target and her reflective accounts. A fixed
number of queries, whatever the size of her record."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, Min, OuterRef, Q, Subquery

from circles.models import ActionLog, LogState, Response
from meetings.selectors import attended_by
from members.local_time import local_date, member_today, zone_of
from record.models import (
    ACCOUNTS_NEEDED,
    NURSE_HOURS,
    NURSE_PARTICIPATORY_HOURS,
    PERIOD_YEARS,
    CpdEntry,
    RecordSettings,
    ReflectiveAccount,
)


def settings_of(user) -> RecordSettings:
    """Her settings, or the defaults (unsaved) until she sets them."""
    found = RecordSettings.objects.filter(member=user).first()
    return found or RecordSettings(
        member=user, hours_target=NURSE_HOURS, participatory_target=NURSE_PARTICIPATORY_HOURS
    )


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def current_period(user, settings: RecordSettings) -> tuple[dt.date, dt.date]:
    """Her three-year period: up to her revalidation date when she gave one, else the
    three years up to today."""
    end = settings.revalidation_due or member_today(user)
    return years_before(end, PERIOD_YEARS), end


def own_logs(user):
    """Her published logs (hers alone to draw on), circle loaded."""
    return ActionLog.objects.filter(author=user, state=LogState.PUBLISHED).select_related("circle")


# What the record page prints of a log, in her cycles and her commitments.
_PAGE_LOG_FIELDS = (
    "circle__name", "circle__slug", "follows", "title", "prediction", "outcome",
    "next_step", "next_step_due", "published_at",
)  # fmt: skip


def chains_of(logs: list[ActionLog]) -> list[list[ActionLog]]:
    """Logs (oldest first) as chains: each from a log following none of these through its
    follow-ups. Latest chain first."""
    by_pk = {log.pk: log for log in logs}
    chains: dict[int, list[ActionLog]] = {}
    root_of: dict[int, int] = {}
    for log in logs:
        root = root_of.get(log.follows_id, log.pk) if log.follows_id in by_pk else log.pk
        root_of[log.pk] = root
        chains.setdefault(root, []).append(log)
    return sorted(chains.values(), key=lambda chain: chain[-1].published_at, reverse=True)


def chain_through(user, log: ActionLog) -> list[ActionLog]:
    """The chain of her published logs that holds ``log``."""
    for chain in chains_of(list(own_logs(user).order_by("published_at", "pk"))):
        if any(each.pk == log.pk for each in chain):
            return chain
    return [log]


@dataclass
class CommitmentCounts:
    kept: list = field(default_factory=list)
    late: list = field(default_factory=list)
    open: list = field(default_factory=list)


def _first_follow_up(user):
    """When a log of hers was first followed up by a published log of hers (a subquery)."""
    return (
        ActionLog.objects.filter(follows=OuterRef("pk"), author=user, state=LogState.PUBLISHED)
        .order_by()
        .values("follows")
        .annotate(first=Min("published_at"))
        .values("first")
    )


def _dated() -> Q:
    """A log with a next step and a date for it: a commitment."""
    return Q(next_step_due__isnull=False) & ~Q(next_step="")


def _commitments(user, logs: list[ActionLog]) -> CommitmentCounts:
    """``logs`` (with ``followed_up_at``) as kept (followed up by the date), late (followed
    up after it) and open (no follow-up yet), each by due date."""
    counts = CommitmentCounts()
    for log in sorted(logs, key=lambda log: (log.next_step_due, log.pk)):
        if log.followed_up_at is None:
            counts.open.append(log)
        elif local_date(user, log.followed_up_at) <= log.next_step_due:
            counts.kept.append(log)
        else:
            counts.late.append(log)
    return counts


@dataclass
class CpdSummary:
    hours_target: Decimal
    participatory_target: Decimal
    meeting_hours: Decimal
    entry_hours: Decimal
    entry_participatory_hours: Decimal

    @property
    def total(self) -> Decimal:
        return self.meeting_hours + self.entry_hours

    @property
    def participatory(self) -> Decimal:
        return self.meeting_hours + self.entry_participatory_hours

    @property
    def hours_to_go(self) -> Decimal:
        return max(Decimal(0), self.hours_target - self.total)

    @property
    def participatory_to_go(self) -> Decimal:
        return max(Decimal(0), self.participatory_target - self.participatory)


def _hours(occurrence) -> Decimal:
    return Decimal(int(occurrence.duration.total_seconds() // 60)) / 60


def _bounds(user, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = zone_of(user)
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def _logs_published_or_committed(user, since, until) -> list:
    """Her logs published in the range, and her commitments: every one still open (open is
    open whatever the range) and those followed up in the range (kept or late is what
    happened then). ``is_published_between`` and ``is_commitment`` say which."""
    published = Q(published_at__gte=since, published_at__lt=until)
    followed_between = Q(followed_up_at__gte=since, followed_up_at__lt=until)
    commitment = _dated() & (Q(followed_up_at__isnull=True) | followed_between)
    return list(
        own_logs(user)
        .only(*_PAGE_LOG_FIELDS)
        .annotate(followed_up_at=Subquery(_first_follow_up(user)))
        .filter(published | commitment)
        .annotate(
            is_published_between=ExpressionWrapper(published, output_field=BooleanField()),
            is_commitment=ExpressionWrapper(commitment, output_field=BooleanField()),
        )
        .order_by("published_at", "pk")
    )


def _cpd_entries(user, start: dt.date, end: dt.date) -> tuple[list, list]:
    """Her CPD entries dated in the range, and those she has planned (dated after her
    today, whatever the range), soonest first: two lists from one query."""
    today = member_today(user)
    rows = list(
        CpdEntry.objects.filter(Q(date__gte=start, date__lte=end) | Q(date__gt=today), member=user)
    )
    done = [entry for entry in rows if start <= entry.date <= end and entry.date <= today]
    planned = sorted((entry for entry in rows if entry.date > today), key=lambda e: (e.date, e.pk))
    return done, planned


def record_for(
    *, user, start: dt.date, end: dt.date, settings: RecordSettings | None = None
) -> dict:
    """Everything the record page shows for the dates ``start`` to ``end`` (her dates).
    ``settings``: hers (``settings_of``), when the page has read them already."""
    settings = settings or settings_of(user)
    since, until = _bounds(user, start, end)
    rows = _logs_published_or_committed(user, since, until)
    logs = [log for log in rows if log.is_published_between]
    attended = list(
        attended_by(member=user, start=since, end=until).only(
            "occurrence__starts_at",
            "occurrence__ends_at",
            "occurrence__meeting__title",
            "occurrence__circle__name",
        )
    )
    entries, planned = _cpd_entries(user, start, end)
    responses = list(
        Response.objects.filter(author=user, created_at__gte=since, created_at__lt=until)
        .values_list("created_at", flat=True)
        .order_by("created_at")
    )
    period = current_period(user, settings)
    accounts = list(
        ReflectiveAccount.objects.filter(member=user)
        .only("title", "event_date", "themes")
        .order_by("-event_date", "-pk")
    )
    cpd = CpdSummary(
        hours_target=settings.hours_target,
        participatory_target=settings.participatory_target,
        meeting_hours=sum((_hours(a.occurrence) for a in attended), Decimal(0)),
        entry_hours=sum((e.hours for e in entries), Decimal(0)),
        entry_participatory_hours=sum((e.hours for e in entries if e.participatory), Decimal(0)),
    )
    return {
        "settings": settings,
        "chains": chains_of(logs),
        "logs": logs,
        "commitments": _commitments(user, [log for log in rows if log.is_commitment]),
        "attended": attended,
        "responses_given": len(responses),
        "response_dates": [local_date(user, moment) for moment in responses],
        "entries": entries,
        "planned": planned,
        "planned_hours": sum((e.hours for e in planned), Decimal(0)),
        "cpd": cpd,
        "accounts": accounts,
        "period": period,
        "accounts_in_period": sum(1 for a in accounts if period[0] <= a.event_date <= period[1]),
        "accounts_needed": ACCOUNTS_NEEDED,
    }


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def activity_by_month(user, record: dict, *, start: dt.date, end: dt.date) -> dict:
    """Logs published, responses given and meetings attended per month, from the month of
    her first activity in the range (no months at all before she has any)."""
    logs = Counter(local_date(user, log.published_at).replace(day=1) for log in record["logs"])
    responses = Counter(day.replace(day=1) for day in record["response_dates"])
    meetings = Counter(
        local_date(user, a.occurrence.starts_at).replace(day=1) for a in record["attended"]
    )
    active = [month for month in (*logs, *responses, *meetings) if month <= end]
    months = months_between(max(min(active), start), end) if active else []
    return {
        "months": months,
        "logs": [logs[m] for m in months],
        "responses": [responses[m] for m in months],
        "meetings": [meetings[m] for m in months],
    }


def cpd_rows(*, user) -> list[dict]:
    """Every CPD hour she has on record, for the CSV: meetings attended and her entries,
    latest first."""
    rows = [
        {
            "date": local_date(user, a.occurrence.starts_at),
            "activity": f"{a.occurrence.meeting.title} ({a.occurrence.circle.name})",
            "hours": _hours(a.occurrence).quantize(Decimal("0.01")),
            "participatory": True,
            "source": "circle meeting",
        }
        for a in attended_by(member=user)
    ]
    rows += [
        {
            "date": e.date,
            "activity": e.activity,
            "hours": e.hours,
            "participatory": e.participatory,
            "source": "added by me",
        }
        for e in CpdEntry.objects.filter(member=user)
    ]
    return sorted(rows, key=lambda row: row["date"], reverse=True)


def default_range(user, settings: RecordSettings | None = None) -> tuple[dt.date, dt.date]:
    """Her current three-year period, up to today at the latest. ``settings``: hers
    (``settings_of``), when the page has read them already."""
    start, end = current_period(user, settings or settings_of(user))
    return start, min(end, member_today(user))
