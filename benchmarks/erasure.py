"""Erasure beside posts: a member who wrote 8,000 logs in one of the bench school's working
circles deletes her account, keeping her contributions anonymised, while members of her
circles keep posting there (responses to her logs, new logs), each poster a thread with
its own database connection. The erasure runs as its task would (``erasure_run``, real
transactions); every post is timed. Goal: no post waits more than a second.

Called by ``make bench`` (``measure_erasure(env, meta)``) with Django set up on the bench
school. Afterwards the school is as it was, less what the members posted meanwhile: her
logs go again, in batches, and so does the "Former member" account if the bench made it.
"""

import logging
import random
import statistics
import threading
import time
from unittest import mock

LOGS = 8_000
POSTERS = 4
PAUSE_S = 0.1  # between one member's posts: people, not a load test
MENTIONS = 40  # peers' responses naming her, for the scrub to find
NAME = "Erin Benchley-Erasure"
TITLE = "Erasure bench log "


class _BatchTimes(logging.Handler):
    """Collects the seconds of each erasure batch (``privacy.services.erasure`` logs them)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.seconds: list[float] = []

    def emit(self, record):
        if hasattr(record, "seconds"):
            self.seconds.append(record.seconds)


def measure_erasure(env: dict, meta: dict, *, mode: str = "anonymise") -> dict:
    """Returns ``logs``, ``posts`` (timed posts), ``max_wait_s`` (the longest post),
    ``erasure_s``, ``batches`` (its transactions), ``max_batch_s`` (the longest of them)
    and medians; ``error`` when a thread failed. ``mode="remove"`` erases everything she
    wrote instead (``posts_refused``: responses to a log of hers that was gone by then)."""
    from circles.models import Membership, MembershipState
    from members.models import User
    from privacy.services.erasure import FORMER_MEMBER_EMAIL

    circle = _working_circle(meta)
    peers = list(
        Membership.objects.filter(circle=circle, state=MembershipState.ACTIVE)
        .order_by("pk")
        .values_list("member_id", flat=True)[:20]
    )
    former_existed = User.objects.filter(email=FORMER_MEMBER_EMAIL).exists()
    made = {"member": None, "mentions": [], "erasure": None}
    try:
        _prolific_member(circle, peers, made)
        return _erase_beside_posts(made, circle, peers, mode)
    finally:
        _tidy(made, former_existed)


def _erase_beside_posts(made: dict, circle, peers: list[int], mode: str) -> dict:
    """Her erasure in one thread, ``POSTERS`` members posting in others until it ends."""
    from django.db import connections

    from circles.models import ActionLog
    from members.models import User
    from privacy.models import Erasure, ErasureMode
    from privacy.services import erasure as erasure_service
    from privacy.services.erasure import erasure_request, erasure_run

    log_ids = list(
        ActionLog.objects.filter(author=made["member"]).order_by("pk").values_list("pk", flat=True)
    )
    # The bench runs the erasure itself, in a thread, rather than leave it to a worker.
    with mock.patch.object(erasure_service, "task_enqueue_on_commit"):
        erasure = erasure_request(member=made["member"], mode=ErasureMode(mode))
    made["erasure"] = erasure.pk

    batch_times = _BatchTimes()
    logger = logging.getLogger(erasure_service.__name__)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(batch_times)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    done = threading.Event()
    waits: list[float] = []
    refusals: list[bool] = []
    failures: list[str] = []
    took = {}

    def erase():
        started = time.perf_counter()
        try:
            erasure_run(erasure_id=erasure.pk)
        except Exception as error:  # noqa: BLE001 (reported with the figures)
            failures.append(f"erasure: {error!r}")
        finally:
            took["erasure"] = time.perf_counter() - started
            done.set()
            connections.close_all()

    def poster(n: int):
        rng = random.Random(n)
        try:
            author = User.objects.select_related("profile").get(pk=peers[n % len(peers)])
            while not done.is_set():
                seconds, refused = _post_once(rng, author, circle, log_ids, n)
                waits.append(seconds)
                refusals.append(refused)
                time.sleep(PAUSE_S)
        except Exception as error:  # noqa: BLE001
            failures.append(f"poster {n}: {error!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(POSTERS)]
    threads.append(threading.Thread(target=erase))
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=1800)
    finally:
        logger.removeHandler(batch_times)
        logger.setLevel(level)
        logger.propagate = propagate

    erasure = Erasure.objects.get(pk=erasure.pk)
    figures = {
        "logs": LOGS,
        "posts": len(waits),
        "posts_refused": sum(refusals),
        "max_wait_s": max(waits, default=0.0),
        "median_wait_s": statistics.median(waits or [0.0]),
        "erasure_s": took.get("erasure", 0.0),
        "batches": erasure.batches,
        "max_batch_s": max(batch_times.seconds, default=0.0),
        "median_batch_s": statistics.median(batch_times.seconds or [0.0]),
        "state": erasure.state,
        "counts": erasure.counts,
    }
    if failures:
        figures["error"] = "; ".join(failures[:3])
    return figures


def _working_circle(meta: dict):
    """A working circle other than the feed the page bench reads, where it can."""
    from benchmarks.seed import FEED_CIRCLE
    from circles.models import Circle, Membership

    circle = Circle.objects.filter(slug__startswith="bench-circle-").order_by("slug").first()
    circle = circle or Circle.objects.filter(slug=FEED_CIRCLE).first()
    if circle is None:
        circle = Membership.objects.filter(member_id=meta["member"]).first().circle
    return circle


def _prolific_member(circle, peers: list[int], made: dict) -> None:
    """Her account, profile and membership; her 8,000 published logs; peers' responses
    naming her. Records what it made in ``made`` as it goes, for ``_tidy``."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from benchmarks.seed import TEXTS
    from circles.models import ActionLog, LogState, Membership, MembershipState, Response
    from circles.text import render_markdown
    from members.models import Profile, User

    now = timezone.now()
    html = {text: render_markdown(text) for text in TEXTS}
    with transaction.atomic():
        member = User.objects.create(
            email=f"erasure-{time.time_ns()}@bench.invalid", password=make_password(None)
        )
        Profile.objects.create(user=member, display_name=NAME, organisation="Bench Trust")
        Membership.objects.create(
            circle=circle, member=member, state=MembershipState.ACTIVE, joined_at=now
        )
    made["member"] = member
    log_ids = []
    for start in range(0, LOGS, 1000):
        with transaction.atomic():
            logs = ActionLog.objects.bulk_create(
                ActionLog(
                    circle=circle,
                    author=member,
                    title=f"{TITLE}{i}",
                    situation=TEXTS[i % len(TEXTS)],
                    situation_html=html[TEXTS[i % len(TEXTS)]],
                    action=TEXTS[(i + 1) % len(TEXTS)],
                    action_html=html[TEXTS[(i + 1) % len(TEXTS)]],
                    state=LogState.PUBLISHED,
                    created_at=now,
                    published_at=now,
                )
                for i in range(start, min(LOGS, start + 1000))
            )
        log_ids += [log.pk for log in logs]
    mentions = Response.objects.bulk_create(
        Response(
            log_id=log_ids[i * (LOGS // MENTIONS)],
            author_id=peers[i % len(peers)],
            kind="question",
            body=f"Thanks {NAME}, what did the day team say?",
            body_html=f"<p>Thanks {NAME}, what did the day team say?</p>",
        )
        for i in range(MENTIONS)
    )
    made["mentions"] = [r.pk for r in mentions]


def _post_once(rng: random.Random, author, circle, log_ids: list[int], n: int):
    """One post as a member's request makes it, timed: mostly a response to one of her
    logs (loaded as its page loads it), otherwise a new log in her circle. Returns the
    seconds it took and whether it was refused because her log was gone (``remove``)."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import IntegrityError

    from circles.models import ActionLog
    from circles.services.logs import log_create
    from circles.services.responses import response_create

    started = time.perf_counter()
    try:
        if rng.random() < 0.7:
            log = ActionLog.objects.select_related("circle").get(pk=rng.choice(log_ids))
            response_create(
                author=author, log=log, kind="reflection", body=f"Bench post {n}: this helped."
            )
        else:
            data = {"title": f"Bench post {n}", "situation": "Gaps.", "action": "Bank staff."}
            log_create(author=author, circle=circle, data=data, tags=[], publish=True)
    except (ActionLog.DoesNotExist, PermissionDenied, ValidationError, IntegrityError):
        return time.perf_counter() - started, True  # her log went before or as it was saved
    return time.perf_counter() - started, False


def _tidy(made: dict, former_existed: bool) -> None:
    """Remove what the bench added for her (her logs, kept anonymised or not, go with what
    answered them), a batch at a time; the members' own new logs stay."""
    from django.db import connection, transaction

    from circles.models import ActionLog, Response
    from members.models import User
    from privacy.models import Erasure
    from privacy.services.erasure import FORMER_MEMBER_EMAIL

    Response.objects.filter(pk__in=made["mentions"]).delete()
    logs = ActionLog.objects.filter(title__startswith=TITLE).order_by("pk")
    while ids := list(logs.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            ActionLog.objects.filter(pk__in=ids).delete()
    if made["erasure"] is not None:
        Erasure.objects.filter(pk=made["erasure"]).delete()
    if made["member"] is not None:  # gone already, unless the erasure failed
        User.objects.filter(pk=made["member"].pk).delete()
    if not former_existed:
        User.objects.filter(email=FORMER_MEMBER_EMAIL).delete()
    if connection.vendor == "postgresql":
        tables = ["circles_actionlog", "circles_response", "notifications_notification"]
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
