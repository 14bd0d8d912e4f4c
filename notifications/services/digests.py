"""The weekly digest: one email per member per week, exactly once.

``digest_run_start`` records a run; ``digest_run_fanout`` streams the recipients into
batches of about ``BATCH_SIZE``; ``digest_send_batch`` claims a ``DigestDelivery`` row per
member *before* sending (the unique (member, week) key), sends the batch over one SMTP
connection, then marks the rows sent — or failed, which releases them for a retry.
Beat, the admin and ``manage.py send_weekly_digest`` all go through these functions.
"""

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import smtplib
import uuid
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import InterfaceError, transaction
from django.db import OperationalError as DatabaseOperationalError
from django.db import connection as database
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from kombu.exceptions import OperationalError as BrokerOperationalError

from circles.models import ResponseKind
from members.local_time import zone_of
from members.models import User
from notifications import emails
from notifications.commons_digest import digest_commons_record
from notifications.models import (
    STALE_CLAIM,
    DeliveryStatus,
    DigestDelivery,
    DigestRun,
    DigestRunState,
    claims_stale,
)
from notifications.selectors import (
    DigestContent,
    digest_contents,
    digest_recipients,
    digest_week_problem,
)
from school.enqueue import task_enqueue_on_commit, task_enqueue_safely
from school.limits import model_limit
from school.release import release

logger = logging.getLogger(__name__)


BATCH_SIZE = 100
STREAM_CHUNK_SIZE = 1000
RETRY_FAILED_FOR = dt.timedelta(days=2)  # after the week starts: a digest gets stale
LOST_CLAIM = "claim went stale (worker lost)"

# Failures that pass — the SMTP server, the network, the database, the broker, a slow
# batch — and are worth trying again. Anything else (a bad week, a bug) is not: it
# stops the run instead of failing the same way every sweep.
TRANSIENT_ERRORS = (
    smtplib.SMTPException,
    OSError,  # ConnectionError, TimeoutError, socket errors
    DatabaseOperationalError,
    InterfaceError,
    BrokerOperationalError,
    SoftTimeLimitExceeded,
)


def error_is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT_ERRORS)


def error_describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


@dataclass
class BatchResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    already: int = 0


@functools.lru_cache(maxsize=64)
def digest_span(week: dt.date) -> str:
    """The days the digest for Monday ``week`` covers, short: "16–22 Nov",
    "30 Nov – 6 Dec", "28 Dec 2026 – 3 Jan 2027"."""
    first, last = week - dt.timedelta(days=7), week - dt.timedelta(days=1)
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b} – {last.day} {last:%b}"
    return f"{first.day}–{last.day} {last:%b}"


@functools.lru_cache(maxsize=64)
def digest_period(week: dt.date) -> str:
    """The same days, in full: "from Monday 16 to Sunday 22 November 2026"."""
    first, last = week - dt.timedelta(days=7), week - dt.timedelta(days=1)
    start = f"{first:%A} {first.day}"
    if first.year != last.year:
        start += f" {first:%B %Y}"
    elif first.month != last.month:
        start += f" {first:%B}"
    return f"from {start} to {last:%A} {last.day} {last:%B %Y}"


SUBJECT_PARTS = 3


def _counted(n: int, one: str, many: str) -> str:
    return one if n == 1 else f"{n} {many}"


def digest_subject(content: DigestContent) -> str:
    """What is inside, most useful first: "2 new logs and a question for you"."""
    questions = sum(1 for r in content.responses if r.kind == ResponseKind.QUESTION)
    others = len(content.responses) - questions
    new = len(content.new_logs) + content.new_logs_more
    reports = sum(item.open_reports for item in content.facilitation)
    requests = sum(item.pending_requests for item in content.facilitation)
    counts = [
        (new, "a new log", "new logs"),
        (len(content.waiting_logs), "a log waiting for a response", "logs waiting for a response"),
        (questions, "a question for you", "questions for you"),
        (others, "a response to your log", "responses to your logs"),
        (len(content.commitments_due), "a commitment to follow up", "commitments to follow up"),
        (reports, "a report to review", "reports to review"),
        (requests, "a join request", "join requests"),
    ]
    parts = [_counted(n, one, many) for n, one, many in counts if n]
    if len(parts) > SUBJECT_PARTS:
        parts = [*parts[:SUBJECT_PARTS], "more"]
    if not parts:
        return f"Your circles, {digest_span(content.week)}"
    text = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return text[0].upper() + text[1:]


def digest_message(*, content: DigestContent, shared: dict | None = None):
    """The digest email for one member. ``shared`` (one dict for a whole batch) keeps what
    is the same for every recipient — each log's line, each list of lines and the sections
    of those with nothing of their own, rendered — so a batch builds them once and renders
    only what is personal."""
    member = content.member
    context = {
        "member": member,
        "digest": content,
        "week": content.week,
        "span": digest_span(content.week),
        "period": digest_period(content.week),
        "subject": digest_subject(content),
    }
    context["sections"] = _sections(content, context, {} if shared is None else shared)
    return emails.message_build(
        template="digest",
        context=context,
        to=member.email,
        member_id=member.pk,
        email_type="digest",
    )


def _sections(content: DigestContent, context: dict, shared: dict) -> dict:
    """What the digest shows after its greeting (``emails/digest/_sections.*``), as HTML
    (``html``, safe) and text (``text``), rendered on the member's clock. Without anything
    of her own (facilitation, commitments, responses, lessons) they depend only on her
    lists of logs, her next meeting and her clock: a batch renders them once for all the
    members they are the same for."""
    zone = zone_of(content.member)
    key = None
    if not (content.facilitation or content.commitments or content.responses or content.commons):
        meeting = content.next_meeting
        key = (
            "sections",
            content.week,
            tuple(log.pk for log in content.waiting_logs),
            tuple(log.pk for log in content.new_logs),
            content.new_logs_more,
            None if meeting is None else meeting.pk,
            zone,
        )
        sections = shared.get(key)
        if sections is not None:
            return sections
    context = {**context, **emails.site_context(), "entries": _entries(content, shared)}
    with timezone.override(zone):
        sections = {
            "html": render_to_string("emails/digest/_sections.html", context),
            "text": render_to_string("emails/digest/_sections.txt", context),
        }
    if key is not None:
        shared[key] = sections
    return sections


LINE_CACHE_SECONDS = 24 * 60 * 60


def _line_key(log, section: str) -> str:
    """The cache key of a log's line: it names the release and everything the line shows,
    so a deploy, or a change to the log, its author's name or its circle, makes a new line
    (hidden logs never get here)."""
    shown = (
        settings.SITE_URL, log.pk, log.title, log.situation_html, log.circle.slug,
        log.circle.name, log.author_name,
    )  # fmt: skip
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"digest-line:{release()}:{section}:{log.pk}:{digest}"


def _log_entry(log, *, section: str, shared: dict) -> dict:
    """A log's line in the digest (new or waiting), the same for every recipient: its
    links, excerpts and rendered HTML and text, built once (``shared`` holds the batch's,
    and the cache the lines earlier batches of the run built)."""
    key = (section, log.pk)
    entry = shared.get(key)
    if entry is None:
        from circles.text import excerpt_html, excerpt_text

        entry = {
            "log": log,
            "url": emails.log_url(log),
            "circle_url": emails.circle_url(log.circle),
            "excerpt": excerpt_text(log.situation_html, 180, base_url=settings.SITE_URL),
            "excerpt_html": excerpt_html(log.situation_html, 40),
            "link_circle": section == "new",
        }
        entry["html"] = render_to_string("emails/digest/_log.html", {"e": entry})
        entry["text"] = render_to_string("emails/digest/_log.txt", {"e": entry})
        shared[key] = entry
        shared.setdefault(_NEW_LINES, {})[_line_key(log, section)] = (
            str(entry["html"]),
            str(entry["text"]),
        )
    return entry


_NEW_LINES = "new lines"


def _lines_from_cache(contents, shared: dict) -> None:
    """Put in ``shared`` the lines of these digests' logs that an earlier batch rendered."""
    lists = {}  # each list once: recipients with the same circles share theirs
    for content in contents:
        lists[id(content.new_logs)] = ("new", content.new_logs)
        lists[id(content.waiting_logs)] = ("waiting", content.waiting_logs)
    logs = {}  # each (section, log) once: many lists share a line
    for section, section_logs in lists.values():
        for log in section_logs:
            if (section, log.pk) not in shared:
                logs.setdefault((section, log.pk), log)
    if not logs:
        return
    wanted = {_line_key(log, section): (section, log) for (section, _), log in logs.items()}
    for key, (html, text) in cache.get_many(list(wanted)).items():
        section, log = wanted[key]
        # Rendered, escaped HTML that _log_entry stored: safe as it was.
        shared[(section, log.pk)] = {"log": log, "html": mark_safe(html), "text": text}


def _lines_to_cache(shared: dict) -> None:
    lines = shared.pop(_NEW_LINES, None)
    if lines:
        cache.set_many(lines, LINE_CACHE_SECONDS)


def _section(logs: list, section: str, shared: dict) -> dict | None:
    """A list of logs' lines, joined once for every recipient it is the same for: the HTML
    (``html``, safe: each line is) and the text (``text``); None for no logs."""
    if not logs:
        return None
    key = (section, tuple(log.pk for log in logs))
    joined = shared.get(key)
    if joined is None:
        lines = [_log_entry(log, section=section, shared=shared) for log in logs]
        joined = shared[key] = {
            # Lines that _log_entry rendered, or that it stored rendered and escaped.
            "html": mark_safe("".join([line["html"] for line in lines])),
            "text": "".join([line["text"] for line in lines]),
        }
    return joined


def _entries(content: DigestContent, shared: dict) -> dict:
    """Links and excerpts worked out once, so the templates only print. What members wrote
    is shown from its stored, sanitised HTML: shortened in the HTML part, as plain prose
    in the text part. Logs' lines, and lists of them, are shared by the batch
    (``_section``)."""
    from circles.text import excerpt_html, excerpt_text

    def excerpts(html: str) -> dict:
        return {
            "excerpt": excerpt_text(html, 180, base_url=settings.SITE_URL),
            "excerpt_html": excerpt_html(html, 40),
        }

    return {
        "new_logs": _section(content.new_logs, "new", shared),
        "waiting_logs": _section(content.waiting_logs, "waiting", shared),
        "responses": [
            {
                "response": r,
                "url": emails.log_url(r.log) + f"#response-{r.pk}",
                **excerpts(r.body_html),
            }
            for r in content.responses
        ],
        "commitments": [
            {
                "log": log,
                "overdue": log.next_step_due < content.week,
                "url": emails.log_url(log),
                "follow_up_url": emails.log_follow_up_url(log),
                **excerpts(log.next_step_html),
            }
            for log in content.commitments
        ],
        "facilitation": [
            {"item": item, "url": emails.queue_url(item.circle)} for item in content.facilitation
        ],
    }


def digest_preview(*, member: User, week: dt.date) -> tuple[DigestContent | None, object]:
    """What ``member`` would get for ``week`` (content, message), sending nothing. The
    message is None when the member gets no digest (not eligible or nothing to read).
    A week out of range raises ValidationError."""
    if problem := digest_week_problem(week):
        raise ValidationError(problem)
    content = digest_contents(member_ids=[member.pk], week=week).get(member.pk)
    if content is None or content.is_empty:
        return content, None
    return content, digest_message(content=content)


# --- runs ------------------------------------------------------------------------------


@transaction.atomic
def digest_run_start(*, week: dt.date, started_by: User | None = None, enqueue: bool = True):
    """Record a run for ``week`` (a Monday in range, else ValidationError and no run); with
    ``enqueue`` its fan-out goes to the worker once this commits (a broker outage leaves
    it queued for the sweep)."""
    if problem := digest_week_problem(week):
        raise ValidationError(problem)
    run = DigestRun.objects.create(week=week, started_by=started_by)
    if enqueue:
        task_enqueue_on_commit("notifications.digest_run_fanout", run.pk)
    return run


def digest_member_batches(*, week: dt.date, batch_size: int = BATCH_SIZE):
    """Stream the ids of recipients who have no finished delivery for ``week`` yet, in
    lists of ``batch_size``."""
    done = DigestDelivery.objects.filter(week=week).exclude(status=DeliveryStatus.FAILED)
    ids = (
        digest_recipients()
        .exclude(pk__in=done.values("member_id"))
        .values_list("pk", flat=True)
        .iterator(chunk_size=STREAM_CHUNK_SIZE)
    )
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def digest_run_begin(*, run_id: int) -> DigestRun | None:
    """Mark a run running and count its recipients (everyone eligible this week)."""
    with transaction.atomic():
        run = DigestRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return None
        run.total = digest_recipients().count()
        run.state = DigestRunState.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.save(update_fields=["total", "state", "started_at"])
    return run


def digest_run_fanout(*, run_id: int, batch_size: int | None = None) -> int:
    """Enqueue the run's batches on the ``email`` queue; returns how many."""
    batch_size = batch_size or getattr(settings, "NOTIFICATIONS_DIGEST_BATCH_SIZE", BATCH_SIZE)
    run = digest_run_begin(run_id=run_id)
    if run is None:
        return 0
    count = 0
    for batch in digest_member_batches(week=run.week, batch_size=batch_size):
        task_enqueue_safely("notifications.digest_send_batch", run.week.isoformat(), batch, run.pk)
        count += 1
    digest_run_refresh(run_id=run.pk)
    return count


def digest_run_stop(*, run_id: int, error: str) -> None:
    """Stop a run that failed in a way a retry would repeat: the sweep leaves it alone and
    the admin shows the error. Starting a new run for the week tries again."""
    DigestRun.objects.filter(pk=run_id).exclude(state=DigestRunState.FINISHED).update(
        state=DigestRunState.STOPPED,
        error=error[: model_limit(DigestRun, "error")],
        finished_at=timezone.now(),
    )


def digest_run_refresh(*, run_id: int) -> DigestRun | None:
    """Count the week's deliveries into the run; finished once every recipient is done."""
    run = DigestRun.objects.filter(pk=run_id).first()
    if run is None:
        return None
    counts = DigestDelivery.objects.filter(week=run.week).aggregate(
        sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
        skipped=Count("pk", filter=Q(status=DeliveryStatus.SKIPPED)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
    )
    fields = {**counts}
    if run.state == DigestRunState.RUNNING and sum(counts.values()) >= run.total:
        fields.update(state=DigestRunState.FINISHED, finished_at=timezone.now())
    DigestRun.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db()
    return run


# --- one batch -----------------------------------------------------------------------


def _claim(*, week: dt.date, member_ids: list[int], run_id, token: str) -> set[int]:
    """Claim a delivery row for each member who has none (or a failed one). Rows this
    token already holds (a redelivered task whose first attempt died) stay ours.
    Returns the member ids now claimed by ``token``. Four queries, any batch size."""
    now = timezone.now()
    with transaction.atomic():
        DigestDelivery.objects.filter(
            week=week, member_id__in=member_ids, status=DeliveryStatus.FAILED
        ).update(status=DeliveryStatus.SENDING, claim_token=token, claimed_at=now, run_id=run_id)
        # Members still here (an erased account's id in a queued batch gets nothing),
        # each with whether a row for the week exists already.
        members = User.objects.filter(pk__in=member_ids).annotate(
            claimed=Exists(DigestDelivery.objects.filter(week=week, member=OuterRef("pk")))
        )
        DigestDelivery.objects.bulk_create(
            [
                DigestDelivery(
                    member_id=pk,
                    week=week,
                    run_id=run_id,
                    status=DeliveryStatus.SENDING,
                    claim_token=token,
                    claimed_at=now,
                )
                for pk, claimed in members.values_list("pk", "claimed")
                if not claimed
            ],
            ignore_conflicts=True,  # another worker claimed it meanwhile: theirs, not ours
        )
    return set(
        DigestDelivery.objects.filter(
            week=week,
            member_id__in=member_ids,
            status=DeliveryStatus.SENDING,
            claim_token=token,
        ).values_list("member_id", flat=True)
    )


# Run once per message sent, so plain SQL with no ORM query to build each time, on the
# batch's one cursor: the row this token claimed for the member, still being sent.
_MARK_SENT_SQL = (
    "UPDATE notifications_digestdelivery SET status = %s, error = '', sent_at = %s"
    " WHERE week = %s AND member_id = %s AND claim_token = %s AND status = %s"
)


def _mark_sent(cursor, *, week: dt.date, member_id: int, token: str) -> None:
    cursor.execute(
        _MARK_SENT_SQL,
        [
            DeliveryStatus.SENT,
            database.ops.adapt_datetimefield_value(timezone.now()),
            database.ops.adapt_datefield_value(week),
            member_id,
            token,
            DeliveryStatus.SENDING,
        ],
    )


def _mark(*, week: dt.date, member_ids, token: str, status: str, error: str = "") -> None:
    if not member_ids:
        return
    fields = {"status": status, "error": error[: model_limit(DigestDelivery, "error")]}
    if status == DeliveryStatus.SENT:
        fields["sent_at"] = timezone.now()
    DigestDelivery.objects.filter(
        week=week, member_id__in=member_ids, claim_token=token, status=DeliveryStatus.SENDING
    ).update(**fields)


def digest_send_batch(
    *, week: dt.date, member_ids: list[int], run_id: int | None = None, token: str | None = None
) -> BatchResult:
    """Send the week's digest to these members, each at most once.

    Claims first (committed), builds every message with a fixed number of queries, then
    sends them over one SMTP connection, recording each as sent as soon as the server
    accepts it — so a worker killed mid-batch leaves on record everything it delivered,
    and its redelivered task repeats at most the one message in flight at the kill.
    A refused message is marked failed (a retry sends it). Any other error releases
    every claim not yet recorded (marked failed, with the error) and re-raises; an error
    that is not transient also stops the run, so the sweep leaves the week to an admin.
    Not one transaction: email is never sent inside one.
    """
    token = token or uuid.uuid4().hex
    result = BatchResult()
    member_ids = list(dict.fromkeys(int(pk) for pk in member_ids))
    owned = _claim(week=week, member_ids=member_ids, run_id=run_id, token=token)
    result.already = len(member_ids) - len(owned)
    if not owned:
        return result
    try:
        _send_claimed(week=week, owned=owned, token=token, result=result)
    except Exception as exc:
        error = error_describe(exc)
        _mark(week=week, member_ids=owned, token=token, status=DeliveryStatus.FAILED, error=error)
        if run_id is not None and not error_is_transient(exc):
            digest_run_stop(run_id=run_id, error=error)
        raise
    return result


def _send_claimed(*, week: dt.date, owned: set[int], token: str, result: BatchResult) -> None:
    contents = digest_contents(member_ids=sorted(owned), week=week)
    to_send = {pk: c for pk, c in contents.items() if not c.is_empty}
    skipped = owned - set(to_send)
    _mark(week=week, member_ids=skipped, token=token, status=DeliveryStatus.SKIPPED)
    result.skipped = len(skipped)

    shared: dict = {}
    _lines_from_cache(to_send.values(), shared)
    messages = {pk: digest_message(content=c, shared=shared) for pk, c in to_send.items()}
    _lines_to_cache(shared)
    if not messages:
        return
    digest_commons_record(contents=to_send.values(), week=week)
    connection = get_connection()
    connection.open()
    try:
        with database.cursor() as cursor:
            for pk, message in messages.items():
                message.connection = connection
                try:
                    connection.send_messages([message])
                except Exception as exc:  # one refused recipient does not stop the batch
                    logger.warning("Digest to member %s failed: %r", pk, exc)
                    _mark(
                        week=week,
                        member_ids=[pk],
                        token=token,
                        status=DeliveryStatus.FAILED,
                        error=f"send failed: {error_describe(exc)}",
                    )
                    result.failed += 1
                else:  # on record before the next send: a kill now repeats nothing sent
                    _mark_sent(cursor, week=week, member_id=pk, token=token)
                    result.sent += 1
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            connection.close()


# --- the sweep ---------------------------------------------------------------------------


def digest_runs_resume(*, now: dt.datetime | None = None) -> int:
    """Find digest work a lost broker message left behind: release claims whose task died
    long ago, and fan out again runs that are queued or unfinished with nothing moving.
    Claiming makes fanning out twice harmless. Returns how many runs it resumed."""
    now = now or timezone.now()
    claims_stale(DigestDelivery, now=now).update(status=DeliveryStatus.FAILED, error=LOST_CLAIM)
    # Released claims count as failed, so when they were a run's last rows the run looks
    # finished: the latest run of a recent week that still has some goes out again too.
    # So does a run whose sends failed (SMTP down longer than the task's retries): those
    # are tried again at most every STALE_CLAIM until RETRY_FAILED_FOR after the week
    # starts, then left for an admin (the run page shows them as failed).
    today = timezone.localdate(now)
    lost_weeks = (
        DigestDelivery.objects.filter(
            status=DeliveryStatus.FAILED,
            claimed_at__lt=now - STALE_CLAIM,
        )
        .filter(
            Q(error=LOST_CLAIM, week__gte=today - dt.timedelta(days=7))
            | Q(week__gte=today - RETRY_FAILED_FOR)
        )
        .values_list("week", flat=True)
        .distinct()
    )
    # A week whose latest run was stopped by an error is left to an admin.
    lost_runs = {
        run.pk
        for week in lost_weeks
        if (run := DigestRun.objects.filter(week=week).first()) is not None
        and run.state != DigestRunState.STOPPED
    }
    resumed = 0
    stale_runs = DigestRun.objects.filter(
        Q(state=DigestRunState.QUEUED, created_at__lt=now - dt.timedelta(minutes=2))
        | Q(state=DigestRunState.RUNNING, started_at__lt=now - STALE_CLAIM)
        | Q(pk__in=lost_runs)
    ).exclude(state=DigestRunState.STOPPED)
    moving = DigestDelivery.objects.filter(claimed_at__gte=now - dt.timedelta(minutes=10))
    for run in stale_runs:
        run = digest_run_refresh(run_id=run.pk)
        if run.state == DigestRunState.FINISHED and run.pk not in lost_runs:
            continue
        if run.state != DigestRunState.QUEUED and moving.filter(week=run.week).exists():
            continue  # batches are still being worked through: nothing is lost yet
        digest_run_fanout(run_id=run.pk)
        resumed += 1
    return resumed
