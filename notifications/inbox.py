"""Reads of the in-app notifications (the bell and ``/notifications/``).

Visibility is decided when they are read: a notification about a log or a response she
may no longer see (hidden, or she left the circle) is neither shown nor counted; one for
facilitators only while she still moderates that circle. One about a lesson in the
commons stays hers (shown without link or content once the lesson is withdrawn). Each
check is the one rule of its object type (``ActionLog.objects.visible_to``,
``Response.objects.visible_to``), so the whole filter is one query."""

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from circles.models import ActionLog, Circle, Membership, Response
from circles.text import plain_words
from notifications.models import LESSON_VERBS, MODERATOR_VERBS, Notification, Verb
from school.paths import reversed_path

PAGE_SIZE = 50


def _rules_sql(user, known: dict | None) -> tuple[tuple, tuple]:
    """The SQL (with its parameters) of the responses and the logs she may see, by the one
    rule of each (``visible_to``). Put together once per request (kept in ``known``): the
    page and the bell both filter by it, and building the rules' nested subqueries is most
    of the cost of either query. The SQL names her, never what she may see: that is read
    when a query runs."""
    key = f"rules:{user.pk}:{user.is_staff}"
    if known is not None and key in known:
        return known[key]
    rules = (
        Response.objects.visible_to(user).values("pk").query.sql_with_params(),
        ActionLog.objects.visible_to(user).values("pk").query.sql_with_params(),
    )
    if known is not None:
        known[key] = rules
    return rules


def _compiled(sql_with_params: tuple) -> RawSQL:
    return RawSQL(*sql_with_params)  # noqa: S611 (the ORM's own SQL, its values parameters)


def notifications_visible_to(user, known: dict | None = None) -> QuerySet[Notification]:
    """Her notifications about what she may still see. ``known``: what this request has
    already put together (``bell_reads``), so the rules are built once for the page and
    the bell."""
    if not user.is_authenticated:
        return Notification.objects.none()
    responses, logs = _rules_sql(user, known)
    moderated = (
        Circle.objects.all() if user.is_staff else Circle.objects.facilitated_by(user)
    ).values("pk")
    member_of = Membership.objects.circles_of(user)
    about_circle = Q(log__isnull=True, response__isnull=True)
    # Each notification's own response or log, checked by the one rule (``visible_to``)
    # narrowed to its id: a look-up per notification shown, not a pass over every circle.
    response_seen = Exists(
        Response.objects.filter(pk=OuterRef("response_id"), pk__in=_compiled(responses))
    )
    log_seen = Exists(ActionLog.objects.filter(pk=OuterRef("log_id"), pk__in=_compiled(logs)))
    return Notification.objects.filter(recipient=user).filter(
        Q(verb__in=MODERATOR_VERBS, circle__in=moderated)
        | ~Q(verb__in=MODERATOR_VERBS)
        & (
            Q(response__isnull=False) & response_seen
            | Q(response__isnull=True) & log_seen
            | about_circle & Q(verb=Verb.JOIN_ADMITTED, circle__in=member_of)
            | about_circle & Q(verb=Verb.JOIN_DECLINED)
            | Q(verb__in=LESSON_VERBS, lesson__isnull=False)
        )
    )


def unread_count(user) -> int:
    """Her unread notifications she may still see: one query."""
    return notifications_visible_to(user).filter(read_at__isnull=True).count()


# The bell is kept in the cache: her unread count, and the logs her unread notifications
# are about (what opening a log page marks read, so a page with nothing to mark writes
# nothing). Forgotten whenever one of her notifications is written or read, and at most
# this old otherwise (a change in what she may see, such as leaving a circle, shows
# within it).
BELL_SECONDS = 60


def _bell_key(user_id: int) -> str:
    return f"bell:2:{user_id}"  # "2": the count with the logs (a bare count before)


# The most unread notifications the bell reads (it shows "99+" past 99): past this it
# does not know every log they are about, and opening any log page marks its own read.
BELL_ROWS = 1000


def bell_reads(request) -> dict | None:
    """What this request has read of the bell from the cache, so that it reads it once
    (the log page asks whether to mark anything read, then draws the bell), and the
    visibility rules it has put together (``notifications_visible_to``)."""
    return None if request is None else request.__dict__.setdefault("bell_reads", {})


def _bell(user, known: dict | None = None) -> tuple[int, frozenset[int] | None]:
    """``known``: what this request already read from the cache (``bell_reads``); kept up
    to date here, so the request reads the cache at most once."""
    key = _bell_key(user.pk)
    kept = known[key] if known is not None and key in known else cache.get(key)
    if kept is None:
        unread = notifications_visible_to(user, known).filter(read_at__isnull=True)
        kept = _bell_of(list(unread.values_list("log_id", flat=True)[: BELL_ROWS + 1]))
        cache.set(key, kept, BELL_SECONDS)
    if known is not None:
        known[key] = kept
    return kept


def _bell_of(logs: list[int | None]) -> tuple[int, frozenset[int] | None]:
    """The bell from the log ids of her unread notifications she may see (None for one
    about no log), up to ``BELL_ROWS`` + 1 of them."""
    about = frozenset(pk for pk in logs if pk is not None) if len(logs) <= BELL_ROWS else None
    return len(logs), about


def bell_count(user, known: dict | None = None) -> int:
    """The bell: her unread count (``unread_count``, up to ``BELL_ROWS`` + 1), cached: no
    query while it is."""
    return _bell(user, known)[0]


def bell_unread_about(user, log_id: int, known: dict | None = None) -> bool:
    """Whether any unread notification of hers is about this log, as the bell last saw
    (a notification about a log she may no longer see is not, and is not counted)."""
    about = _bell(user, known)[1]
    return about is None or log_id in about


def bell_forget(user_ids: Iterable[int], known: dict | None = None) -> None:
    """Drop these members' cached bells (and from ``known``, what this request read). A
    page read between this and the commit may cache the bell from before: the writers
    forget again on commit, and ``BELL_SECONDS`` bounds the rest."""
    keys = [_bell_key(pk) for pk in set(user_ids)]
    for key in keys if known is not None else ():
        known.pop(key, None)
    if keys:
        cache.delete_many(keys)


# What the page prints of each notification and what it is about (``inbox.html``).
_PAGE_FIELDS = (
    "verb", "reason", "created_at", "read_at", "actor__email", "actor__profile__display_name",
    "circle__name", "log__title", "response__parent", "lesson__title", "lesson__state",
    "log__situation_html", "log__next_step_html", "response__body_html",
    "response__author", "response__parent__author__email",
    "response__parent__author__profile__display_name",
)  # fmt: skip

# How much of what was said a notification shows, in characters of the rendered text.
EXCERPT_LENGTH = 140


def _excerpt(row: Notification) -> str:
    """What was said, as plain rendered text (escape when shown): the response or reply it
    is about, else the log's next step when it falls due, else the log's situation."""
    if row.response_id is not None:
        html = row.response.body_html
    elif row.log_id is None:
        return ""
    elif row.verb == Verb.COMMITMENT_DUE:
        html = row.log.next_step_html
    else:
        html = row.log.situation_html
    return Truncator(plain_words(html)).chars(EXCERPT_LENGTH)


def reply_to(response: Response, *, reader_id: int) -> str:
    """Whose response a reply answers, as ``reader_id`` reads it ("your response", "their
    own response", "Bea Member’s response"); "" for a response that is no reply. Needs
    ``response.parent.author.profile`` loaded."""
    if response.parent_id is None:
        return ""
    author = response.parent.author
    if author.pk == reader_id:
        return "your response"
    if author.pk == response.author_id:
        return "their own response"
    return f"{author.display_name}’s response"


def notifications_page(*, user, before: int | None = None, known: dict | None = None) -> dict:
    """``/notifications/``: her latest notifications (``PAGE_SIZE``, older than the
    notification ``before`` when given), grouped by day on her clock. Keys: ``days``
    (list of (date, notifications), each with ``open_url`` and ``excerpt``), ``older``
    (the id to page from, or None), ``unread``. ``known``: as for
    ``notifications_visible_to``; when this page holds every notification she sees, the
    bell is drawn from it, with no query."""
    qs = (
        notifications_visible_to(user, known)
        .select_related(
            "actor__profile", "circle", "log", "response__parent__author__profile", "lesson"
        )
        .only(*_PAGE_FIELDS)
    )
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-created_at", "-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if before is None and not more and known is not None:
        _bell_keep(user, [row.log_id for row in rows if row.read_at is None], known)
    days: list[tuple] = []
    for row in rows:
        row.open_url = reversed_path("inbox:open", pk=row.pk)
        row.excerpt = _excerpt(row)
        row.reply_to = reply_to(row.response, reader_id=user.pk) if row.response_id else ""
        day = timezone.localdate(row.created_at)
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(row)
    return {
        "days": days,
        "older": rows[-1].pk if more else None,
        "unread": any(not row.is_read for row in rows),
    }


def _bell_keep(user, logs: list[int | None], known: dict) -> None:
    """Keep the bell read from a page that holds every notification she sees (``logs``:
    those of the unread ones)."""
    key = _bell_key(user.pk)
    if key not in known:
        known[key] = _bell_of(logs)
        cache.set(key, known[key], BELL_SECONDS)


def notification_for(*, user, pk: int) -> Notification | None:
    """One of her notifications she may still see, with what it links to loaded."""
    return (
        notifications_visible_to(user)
        .filter(pk=pk)
        .select_related("circle", "log__circle", "response__log__circle", "lesson")
        .first()
    )


def target_url(notification: Notification) -> str:
    """Where the notification leads: a report to the circle's queue, a lesson's question
    to the lesson's questions (to the notifications once it is withdrawn), else the
    response, the log, or the circle (its requests, for a request to join)."""
    if notification.lesson_id is not None:
        if notification.is_withdrawn_lesson:
            return reverse("inbox:list")
        return notification.lesson.get_absolute_url() + "#questions-title"
    if notification.verb == Verb.REPORT_FILED:
        return reverse("facilitation:queue", args=[notification.circle.slug])
    if notification.response_id is not None:
        return notification.response.get_absolute_url()
    if notification.log_id is not None:
        return notification.log.get_absolute_url()
    if notification.verb == Verb.JOIN_REQUESTED:
        return notification.circle.get_absolute_url() + "#requests"
    return notification.circle.get_absolute_url()
