"""Reads for digests and nudges, shaped so building an email runs no further query.

A digest batch runs a fixed number of queries however many members it holds: the rows
for the whole batch are read at once and grouped in Python. What a member may see is the
rule of ``ActionLog.objects.visible_to`` for ordinary members (published, not hidden, in a
circle where they are active) — and digests leave hidden content out for everyone.
"""

import datetime as dt
import heapq
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import reduce
from itertools import islice

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format

from circles.extensions import open_reports
from circles.models import (
    ActionLog,
    Circle,
    CircleStatus,
    LogState,
    Membership,
    MembershipKind,
    MembershipState,
    Response,
)
from meetings.selectors import next_meetings_of_circles
from members.local_time import zone_named
from members.models import Profile, User
from notifications.commons_digest import digest_commons_pick
from notifications.models import DigestRun

DIGEST_SECTION_LIMIT = 10
WAITING_LOOKBACK_DAYS = 21
COMMITMENT_LOOKBACK_DAYS = 30


def week_start(day: dt.date | None = None) -> dt.date:
    """The Monday of the week holding ``day`` (today in the school's time zone)."""
    day = day or timezone.localdate(timezone=timezone.get_default_timezone())
    return day - dt.timedelta(days=day.weekday())


def digest_week_bounds(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last Monday a digest may be for: from the school's first week
    (``SCHOOL_FIRST_WEEK``) to a year ahead of today."""
    today = today or timezone.localdate(timezone=timezone.get_default_timezone())
    first = week_start(settings.SCHOOL_FIRST_WEEK)
    last = week_start(today + dt.timedelta(days=365))
    return first, last


def digest_week_problem(week: dt.date) -> str | None:
    """Why ``week`` cannot be a digest's week (a sentence for the person who typed it), or
    None when it is a Monday in range."""
    first, last = digest_week_bounds()
    if not first <= week_start(week) <= last:
        return f"Choose a week from {date_format(first, 'j F Y')} to {date_format(last, 'j F Y')}."
    if week.weekday() != 0:
        return (
            f"{date_format(week, 'j F Y')} is a {date_format(week, 'l')}: enter the Monday "
            f"of its week, {date_format(week_start(week), 'j F Y')}."
        )
    return None


def digest_week_next(now: dt.datetime | None = None) -> dt.date:
    """The Monday of the next digest to go out: this week's until a run for it has been
    started (by the schedule, an admin or the command), then next week's."""
    school = timezone.get_default_timezone()
    this_week = week_start(timezone.localdate(now, timezone=school) if now else None)
    if DigestRun.objects.filter(week=this_week).exists():
        return this_week + dt.timedelta(days=7)
    return this_week


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def verified_email_exists():
    return Exists(
        EmailAddress.objects.filter(
            user=OuterRef("pk"), verified=True, email__iexact=OuterRef("email")
        )
    )


def reachable_members():
    """Members an email may go to: active accounts with a verified address."""
    return User.objects.filter(is_active=True).filter(verified_email_exists())


def digest_recipients():
    """Members who get a weekly digest (if they have something to read): active, verified,
    digest on, and an active member of at least one active circle. Ordered by id."""
    in_a_circle = Exists(Membership.objects.in_active_circles().filter(member=OuterRef("pk")))
    return (
        reachable_members().filter(profile__digest_enabled=True).filter(in_a_circle).order_by("pk")
    )


@dataclass
class FacilitationItem:
    circle: object
    open_reports: int = 0
    pending_requests: int = 0


@dataclass
class DigestContent:
    member: User
    week: dt.date
    circles: list = field(default_factory=list)
    new_logs: list = field(default_factory=list)
    new_logs_more: int = 0
    responses: list = field(default_factory=list)
    waiting_logs: list = field(default_factory=list)
    commitments: list = field(default_factory=list)
    facilitation: list = field(default_factory=list)
    next_meeting: object = None  # the first meeting of her circles in the fortnight ahead
    commons: list = field(default_factory=list)  # lessons from other roles (commons_digest)

    @property
    def commitments_due(self) -> list:
        """Open commitments already due, or due by the end of the week the digest opens."""
        end = self.week + dt.timedelta(days=7)
        return [c for c in self.commitments if c.next_step_due and c.next_step_due < end]

    @property
    def is_empty(self) -> bool:
        """Nothing to read: a commitment far off, alone, is no reason to write."""
        return not (
            self.new_logs
            or self.responses
            or self.waiting_logs
            or self.commitments_due
            or self.facilitation
        )


class DigestLog:
    """A log as a digest shows it in its line, read as plain values (no model instance):
    ``circle`` is the batch's one instance of its circle, ``author_name`` her display
    name (the rule of ``User.display_name``)."""

    __slots__ = ("pk", "circle", "author_id", "title", "situation_html", "author_name")

    def __init__(self, pk, circle, author_id, title, situation_html, author_name):
        self.pk = pk
        self.circle = circle
        self.author_id = author_id
        self.title = title
        self.situation_html = situation_html
        self.author_name = author_name

    @property
    def id(self) -> int:
        return self.pk

    get_absolute_url = ActionLog.get_absolute_url

    def __repr__(self) -> str:
        return f"<DigestLog {self.pk}: {self.title}>"


def _published_order(row) -> tuple:
    return row.published_at, row.pk


def _first_by_others(lists: list[list], own: int | None, *, reverse: bool = False) -> list[int]:
    """The ids of the first ``DIGEST_SECTION_LIMIT`` rows of ``lists`` (each sorted by
    publication, then id) merged, leaving out those ``own`` wrote, without merging the rest."""
    rows = (
        lists[0] if len(lists) == 1 else heapq.merge(*lists, key=_published_order, reverse=reverse)
    )
    return list(islice((lg.pk for lg in rows if lg.author_id != own), DIGEST_SECTION_LIMIT))


def digest_window(week: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The digest for the week of Monday ``week`` covers the seven days before it."""
    end = local_midnight(week)
    return end - dt.timedelta(days=7), end


# What a digest reads of its member: her address, name and clock (and what the rules of
# who sees what read of any user).
DIGEST_MEMBER_FIELDS = (
    "id", "email", "is_active", "is_staff",
    "profile__id", "profile__display_name", "profile__time_zone",
)  # fmt: skip


def digest_contents(*, member_ids: list[int], week: dt.date) -> dict[int, DigestContent]:
    """Each eligible member's digest for ``week``, keyed by member id; members not eligible
    (deactivated, unverified, digest off, in no active circle) are absent. A fixed number
    of queries, whatever the number of members."""
    start, end = digest_window(week)
    members = {
        u.pk: u
        for u in digest_recipients()
        .filter(pk__in=member_ids)
        .select_related("profile")
        .only(*DIGEST_MEMBER_FIELDS)
    }
    if not members:
        return {}
    contents = {pk: DigestContent(member=u, week=week) for pk, u in members.items()}
    circles, circles_of, facilitates = _digest_circles(contents)
    _digest_logs(contents, circles, circles_of, start=start, end=end)
    _digest_responses(contents, circles_of, start=start, end=end)
    _digest_commitments(contents, circles, circles_of, week=week)
    _digest_facilitation(contents, facilitates)
    _digest_next_meeting(contents, circles_of, week=week)
    digest_commons_pick(contents, circles_of)
    return contents


NEXT_MEETING_DAYS = 14


def _digest_next_meeting(contents: dict, circles_of: dict, *, week: dt.date) -> None:
    """Each member's next meeting (``meetings``) in the fortnight from the digest's Monday:
    one query for all her batch's circles."""
    after = local_midnight(week)
    firsts = next_meetings_of_circles(
        circle_ids={c for mine in circles_of.values() for c in mine},
        after=after,
        before=after + dt.timedelta(days=NEXT_MEETING_DAYS),
    )
    if not firsts:
        return
    for member_id, mine in circles_of.items():
        found = [firsts[c] for c in mine if c in firsts]
        if found:
            contents[member_id].next_meeting = min(found, key=lambda o: (o.starts_at, o.pk))


def _digest_circles(contents: dict[int, DigestContent]) -> tuple[dict, dict, dict]:
    """The batch's active circles (one instance each, by id), each member's (added to her
    digest, by name), and the circles she facilitates."""
    rows = list(
        Membership.objects.in_active_circles()
        .filter(member_id__in=contents)
        .order_by("circle__name", "circle_id")
        .values_list("member_id", "circle_id", "kind")
    )
    circles = Circle.objects.in_bulk({circle_id for _, circle_id, _ in rows})
    circles_of: dict[int, set[int]] = defaultdict(set)
    facilitates: dict[int, list] = defaultdict(list)
    for member_id, circle_id, kind in rows:
        circle = circles[circle_id]
        circles_of[member_id].add(circle_id)
        contents[member_id].circles.append(circle)
        if kind == MembershipKind.FACILITATOR:
            facilitates[member_id].append(circle)
    return circles, circles_of, facilitates


def _answering_log_exists():
    """Whether the outer log has a response that counts as answering it
    (``Response.objects.answering``), its author read from the outer row: an index lookup
    per log, where a join back to the log made the database hash every response of the
    school."""
    return Exists(
        Response.objects.filter(log=OuterRef("pk")).answering(log_author=OuterRef("author_id"))
    )


def _digest_log_rows(circle_ids: set[int], *, start: dt.datetime, end: dt.datetime):
    """Bare (pk, circle_id, author_id, published_at) rows of these circles' logs: those
    still waiting for a first response, oldest first, and the week's others, newest first
    (a log waiting is listed once, under "waiting"). One query: the lookback's logs, each
    with whether it has been answered."""
    lookback = end - dt.timedelta(days=WAITING_LOOKBACK_DAYS)
    rows = list(
        ActionLog.objects.filter(
            state=LogState.PUBLISHED,
            is_hidden=False,
            circle_id__in=circle_ids,
            published_at__gte=min(start, lookback),
            published_at__lt=end,
        )
        .annotate(answered=_answering_log_exists())
        .order_by("published_at", "pk")
        .values_list("pk", "circle_id", "author_id", "published_at", "answered", named=True)
    )
    waiting = [lg for lg in rows if not lg.answered and lg.published_at >= lookback]
    waiting_ids = {lg.pk for lg in waiting}
    new_logs = [
        lg for lg in reversed(rows) if lg.published_at >= start and lg.pk not in waiting_ids
    ]
    return waiting, new_logs


def _by_circle(rows) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.circle_id].append(row)
    return grouped


def _digest_logs(
    contents: dict, circles: dict, circles_of: dict, *, start: dt.datetime, end: dt.datetime
):
    """New logs of the week and logs still waiting for a first response (an invitation to
    help), from the member's circles and by others. Each circle's sections are listed once
    as bare rows and picked once for each set of circles (again for a member only when she
    wrote some of them); only the logs some member's digest shows are then read, as plain
    values (a batch shows the same few per circle)."""
    waiting, new_logs = _digest_log_rows(set(circles), start=start, end=end)
    # Each circle's section, the same for all its members: grouped once, then merged per
    # set of circles (a member's one or two), never filtered from the whole school's list.
    new_by_circle = _by_circle(new_logs)
    waiting_by_circle = _by_circle(waiting)
    new_authors = {c: Counter(lg.author_id for lg in logs) for c, logs in new_by_circle.items()}
    waiting_authors = {c: {lg.author_id for lg in logs} for c, logs in waiting_by_circle.items()}
    picks: dict[tuple, tuple] = {}
    picked = {}
    for member_id in contents:
        mine = frozenset(circles_of[member_id])
        wrote = any(
            member_id in new_authors.get(c, ()) or member_id in waiting_authors.get(c, ())
            for c in mine
        )
        key = (mine, member_id if wrote else None)
        pick = picks.get(key)
        if pick is None:
            own = key[1]
            news = _first_by_others([new_by_circle[c] for c in mine], own, reverse=True)
            waits = _first_by_others([waiting_by_circle[c] for c in mine], own)
            others = sum(
                len(new_by_circle[c]) - new_authors[c][own] for c in mine if c in new_authors
            )
            pick = picks[key] = (news, waits, max(0, others - DIGEST_SECTION_LIMIT))
        picked[member_id] = pick
    shown = {pk for news, waits, _ in picks.values() for pk in (*news, *waits)}
    by_pk = _digest_shown_logs(shown, circles)
    lists: dict[int, list] = {}  # each pick's lists, shared by the members it fits

    def logs_of(pks: list[int]) -> list:
        found = lists.get(id(pks))
        if found is None:
            found = lists[id(pks)] = [by_pk[pk] for pk in pks]
        return found

    for member_id, (news, waits, more) in picked.items():
        content = contents[member_id]
        content.new_logs = logs_of(news)
        content.waiting_logs = logs_of(waits)
        content.new_logs_more = more


def _digest_shown_logs(pks: set[int], circles: dict) -> dict[int, DigestLog]:
    """What the digests' lines show of these logs, by id: one query, no model instances."""
    if not pks:
        return {}
    rows = ActionLog.objects.filter(pk__in=pks).values_list(
        "pk", "circle_id", "author_id", "title", "situation_html",
        "author__email", "author__profile__display_name",
    )  # fmt: skip
    return {
        pk: DigestLog(
            pk,
            circles[circle_id],
            author_id,
            title,
            situation_html,
            display_name or email.split("@")[0],
        )
        for pk, circle_id, author_id, title, situation_html, email, display_name in rows
    }


# What a digest shows of a response (its line, excerpt and link) and reads to address it.
DIGEST_RESPONSE_FIELDS = (
    "id", "log_id", "author_id", "parent_id", "kind", "body", "body_html", "created_at",
    "author__id", "author__email", "author__profile__id", "author__profile__display_name",
    "log__id", "log__title", "log__author_id", "log__circle_id",
    "log__circle__id", "log__circle__name", "log__circle__slug",
    "parent__id", "parent__author_id",
)  # fmt: skip


def _digest_responses(contents: dict, circles_of: dict, *, start: dt.datetime, end: dt.datetime):
    """Responses to the member's own logs, and replies to her responses, during the week."""
    responses = (
        Response.objects.filter(
            Q(log__author_id__in=contents) | Q(parent__author_id__in=contents),
            log__state=LogState.PUBLISHED,
            log__is_hidden=False,
            log__circle__status=CircleStatus.ACTIVE,
            is_hidden=False,
            created_at__gte=start,
            created_at__lt=end,
        )
        .exclude(parent__is_hidden=True)
        .select_related("author__profile", "log__circle", "parent")
        .only(*DIGEST_RESPONSE_FIELDS)
        .order_by("created_at")
    )
    for response in responses:
        for member_id in response.recipient_ids:
            if member_id in contents and response.log.circle_id in circles_of[member_id]:
                contents[member_id].responses.append(response)


# What a digest shows of an open commitment.
DIGEST_COMMITMENT_FIELDS = (
    "id", "circle_id", "author_id", "title", "next_step_html", "next_step_due",
)  # fmt: skip


def _digest_commitments(contents: dict, circles: dict, circles_of: dict, *, week: dt.date) -> None:
    """The member's open commitments (the one definition, ``open_commitments``): due from a
    few weeks before the digest on — overdue, due soon and later."""
    since = week - dt.timedelta(days=COMMITMENT_LOOKBACK_DAYS)
    commitments = (
        ActionLog.objects.open_commitments()
        .filter(
            author_id__in=contents,
            is_hidden=False,
            circle__status=CircleStatus.ACTIVE,
            next_step_due__gte=since,
        )
        .only(*DIGEST_COMMITMENT_FIELDS)
        .order_by("next_step_due", "published_at")
    )
    for log in commitments:
        content = contents[log.author_id]
        in_circle = log.circle_id in circles_of[log.author_id]
        if in_circle and len(content.commitments) < DIGEST_SECTION_LIMIT:
            log.circle = circles[log.circle_id]  # the batch's instance: no query, no copy
            content.commitments.append(log)


def _digest_facilitation(contents: dict, facilitates: dict) -> None:
    """Facilitators: open reports and pending join requests in their circles."""
    facilitated = {c.pk for circles in facilitates.values() for c in circles}
    if not facilitated:
        return
    reports = dict(
        open_reports()
        .filter(circle_id__in=facilitated)
        .values_list("circle_id")
        .annotate(n=Count("pk"))
        .values_list("circle_id", "n")
    )
    requests = dict(
        Membership.objects.pending()
        .filter(circle_id__in=facilitated)
        .values_list("circle_id")
        .annotate(n=Count("pk"))
        .values_list("circle_id", "n")
    )
    for member_id, circles in facilitates.items():
        for circle in circles:
            item = FacilitationItem(
                circle=circle,
                open_reports=reports.get(circle.pk, 0),
                pending_requests=requests.get(circle.pk, 0),
            )
            if item.open_reports or item.pending_requests:
                contents[member_id].facilitation.append(item)


# --- nudges ------------------------------------------------------------------------------


# Nudges go out in the recipient's morning: from 07:00 to 11:59 on her own clock.
MORNING_HOURS = range(7, 12)


def local_days_in_morning(*, now: dt.datetime) -> dict[str, dt.date]:
    """The members' time zones (as stored on their profiles) where it is morning at
    ``now``, each with its local date: who may be nudged now, and what "today" is for them."""
    found = {}
    for name in Profile.objects.order_by().values_list("time_zone", flat=True).distinct():
        local = timezone.localtime(now, zone_named(name))
        if local.hour in MORNING_HOURS:
            found[name] = local.date()
    return found


def nudge_recipients(*, zones=None):
    """Members a nudge may go to; with ``zones``, only those whose time zone is one of them."""
    members = reachable_members().filter(profile__nudges_enabled=True)
    if zones is not None:
        members = members.filter(profile__time_zone__in=zones)
    return members


def commitments_due(*, local_days: dict[str, dt.date], lookback_days: int = 30):
    """Published logs whose next step fell due before today on their author's clock
    (``local_days``: time zone → its date today; authors in other zones are left out),
    with no published follow-up by their author, whose author is still an active member,
    reachable and wants nudges."""
    if not local_days:
        return ActionLog.objects.none()
    zones_by_day: dict[dt.date, list[str]] = defaultdict(list)
    for zone, day in local_days.items():
        zones_by_day[day].append(zone)
    due_before_today = reduce(
        operator.or_,
        (
            Q(
                author__profile__time_zone__in=zones,
                next_step_due__lt=today,
                next_step_due__gte=today - dt.timedelta(days=lookback_days),
            )
            for today, zones in zones_by_day.items()
        ),
    )
    still_member = Exists(
        Membership.objects.filter(
            member=OuterRef("author"), circle=OuterRef("circle"), state=MembershipState.ACTIVE
        )
    )
    return (
        ActionLog.objects.open_commitments()
        .filter(
            is_hidden=False,
            circle__status=CircleStatus.ACTIVE,
            author__in=nudge_recipients(),
        )
        .filter(due_before_today)
        .filter(still_member)
        .select_related("circle", "author__profile")
        .order_by("next_step_due", "pk")
    )


def logs_unanswered(*, now: dt.datetime, after_hours: int = 48, lookback_days: int = 14):
    """Published, visible logs no one but their author has answered after ``after_hours``."""
    return (
        ActionLog.objects.filter(
            state=LogState.PUBLISHED,
            is_hidden=False,
            locked_at__isnull=True,
            circle__status=CircleStatus.ACTIVE,
            published_at__lte=now - dt.timedelta(hours=after_hours),
            published_at__gte=now - dt.timedelta(days=lookback_days),
        )
        .unanswered()
        .select_related("circle", "author__profile")
        .order_by("published_at", "pk")
    )


def peers_to_ask(*, log: ActionLog, exclude_member_ids=(), zones=None):
    """Active members of the log's circle who may be asked to respond, in fair rotation:
    the least recently asked first. Never the author, never someone who opted out; with
    ``zones``, only members in those time zones."""
    return (
        Membership.objects.filter(
            circle_id=log.circle_id,
            state=MembershipState.ACTIVE,
            member__in=nudge_recipients(zones=zones),
        )
        .exclude(member_id=log.author_id)
        .exclude(member_id__in=exclude_member_ids)
        .select_related("member__profile")
        .order_by(F("last_asked_to_respond_at").asc(nulls_first=True), "joined_at", "pk")
    )


def members_quiet(*, now: dt.datetime, days: int = 14, zones=None):
    """Active memberships (joined ``days`` ago or more) whose member has published no log
    in the circle for ``days``; with ``zones``, only members in those time zones."""
    since = now - dt.timedelta(days=days)
    recent_log = Exists(
        ActionLog.objects.filter(
            circle=OuterRef("circle"),
            author=OuterRef("member"),
            state=LogState.PUBLISHED,
            published_at__gte=since,
        )
    )
    return (
        Membership.objects.in_active_circles()
        .filter(joined_at__lte=since, member__in=nudge_recipients(zones=zones))
        .exclude(recent_log)
        .select_related("circle", "member__profile")
        .order_by("pk")
    )


@dataclass
class WaitingWork:
    circle: object
    oldest_key: str
    oldest_at: dt.datetime
    open_reports: int = 0
    pending_requests: int = 0


def circles_with_waiting_work(*, now: dt.datetime, after_hours: int = 48) -> dict:
    """Active circles where an open report or a join request has waited more than
    ``after_hours``: circle id → WaitingWork (its oldest waiting item names the nudge)."""
    cutoff = now - dt.timedelta(hours=after_hours)
    found: dict[int, WaitingWork] = {}
    reports = open_reports().filter(circle__status=CircleStatus.ACTIVE).select_related("circle")
    requests = (
        Membership.objects.pending()
        .filter(circle__status=CircleStatus.ACTIVE)
        .select_related("circle")
    )
    for prefix, rows in (("report", reports), ("request", requests)):
        for row in rows.order_by("created_at", "pk"):
            work = found.get(row.circle_id)
            if work is None:
                if row.created_at > cutoff:
                    continue
                work = found[row.circle_id] = WaitingWork(
                    circle=row.circle, oldest_key=f"{prefix}:{row.pk}", oldest_at=row.created_at
                )
            elif row.created_at < work.oldest_at and row.created_at <= cutoff:
                work.oldest_key, work.oldest_at = f"{prefix}:{row.pk}", row.created_at
            if prefix == "report":
                work.open_reports += 1
            else:
                work.pending_requests += 1
    return found


def facilitators_of(*, circle_ids, zones=None):
    return (
        Membership.objects.filter(
            circle_id__in=circle_ids,
            state=MembershipState.ACTIVE,
            kind=MembershipKind.FACILITATOR,
            member__in=nudge_recipients(zones=zones),
        )
        .select_related("circle", "member__profile")
        .order_by("pk")
    )
