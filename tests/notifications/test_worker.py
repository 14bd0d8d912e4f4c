"""The weekly digest through a real Celery worker and Redis: exactly one email each, a
re-run sends none, and a batch whose worker dies is handed out again without duplicates —
also when it dies after part of the batch reached the SMTP server.

The worker is a separate process (``celery -A school worker``, prefork, queues
``celery,email``) on the test database, writing each email to a file the test counts.
"""

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from circles.models import Response
from notifications.models import DeliveryStatus, DigestDelivery, DigestRun, DigestRunState
from notifications.services.digests import digest_run_start
from notifications.tasks import sweep_task
from school.celery import app
from tests.factories import CircleFactory, MembershipFactory, UserFactory
from tests.notifications.conftest import WEEK, at, broker_unreachable, log_in
from tests.notifications.smtp_sink import SMTPSink

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 30

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs Redis: start it (redis-server --port 6379) and set "
        "REDIS_URL=redis://127.0.0.1:6379/<your db>",
    ),
]


@pytest.fixture
def mail_dir(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def start_worker(mail_dir, tmp_path):
    """Start a real worker process (``celery -A school worker -Q celery,email``) on the
    test database; stopped at the end of the test."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "needs a database a worker process can share: set "
            "DATABASE_URL=postgres://… (the SQLite test database lives in memory)"
        )
    with app.connection_for_write() as conn:  # our queues and unacked set only; never FLUSHDB
        for queue in ("celery", "email"):
            conn.default_channel.queue_purge(queue)
        conn.default_channel.client.delete("unacked", "unacked_index")
    db = connection.settings_dict
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "NOTIFICATIONS_TEST_MAIL_DIR": str(mail_dir),
        "NOTIFICATIONS_DIGEST_BATCH_SIZE": "10",
        "SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": "http://testserver",
        "CONN_MAX_AGE": "0",
    }
    started = []

    def start(*, pool="prefork", **env):
        log_path = tmp_path / f"worker-{len(started)}.log"
        log = log_path.open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "school",
                "worker",
                "--pool",
                pool,
                "--concurrency",
                "1",
                "-Q",
                "celery,email",
                "-l",
                "info",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],  # fmt: skip
            cwd=ROOT,
            env={**base_env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log_path
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    connection.close()  # the workers' connections to the test database are gone too


@pytest.fixture
def worker(start_worker):
    return start_worker()


def members_with_something_to_read(n):
    circle = CircleFactory()
    writer = UserFactory()
    MembershipFactory(circle=circle, member=writer, joined_at=at(1))
    log_in(circle, writer, published_at=at(20), title="Handover huddle")
    members = [UserFactory() for _ in range(n)]
    for member in members:
        MembershipFactory(circle=circle, member=member, joined_at=at(1))
    return members + [writer]  # the writer has nothing to read: skipped


def sent_to(mail_dir) -> Counter:
    return Counter(
        email.message_from_bytes(path.read_bytes())["To"] for path in mail_dir.glob("*.eml")
    )


def wait_until(predicate, worker, what, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        assert worker.poll() is None, worker.log_path.read_text()
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}\n{worker.log_path.read_text()}")


def run_digest():
    run = digest_run_start(week=WEEK)  # published to Redis once committed (autocommit here)
    return run


def finished(run):
    def check():
        run.refresh_from_db()
        return run.state == DigestRunState.FINISHED

    return check


def test_a_digest_run_delivers_exactly_one_email_each_and_a_rerun_none(worker, mail_dir):
    members = members_with_something_to_read(MEMBERS)
    readers = {m.email for m in members[:-1]}

    run = run_digest()
    wait_until(finished(run), worker, "the run to finish")

    assert sent_to(mail_dir) == Counter({address: 1 for address in readers})
    assert (run.total, run.sent, run.skipped, run.failed) == (MEMBERS + 1, MEMBERS, 1, 0)
    assert DigestDelivery.objects.filter(week=WEEK, status=DeliveryStatus.SENT).count() == MEMBERS

    again = run_digest()
    wait_until(finished(again), worker, "the re-run to finish")
    time.sleep(1)  # anything late would show up now
    assert sent_to(mail_dir) == Counter({address: 1 for address in readers})


def test_a_batch_whose_worker_dies_is_redelivered_without_duplicates(worker, mail_dir):
    members = members_with_something_to_read(MEMBERS)
    readers = {m.email for m in members[:-1]}
    (mail_dir / "BLOCK").touch()

    run = run_digest()
    wait_until((mail_dir / "pid").exists, worker, "a worker child to start sending")
    # The child has claimed its batch's rows and is about to send: kill it.
    claimed = DigestDelivery.objects.filter(week=WEEK, status=DeliveryStatus.SENDING)
    assert claimed.exists() and not list(mail_dir.glob("*.eml"))
    (mail_dir / "KILLED").touch()
    os.kill(int((mail_dir / "pid").read_text()), signal.SIGKILL)

    wait_until(finished(run), worker, "the run to finish after the redelivery")

    assert sent_to(mail_dir) == Counter({address: 1 for address in readers})
    assert "WorkerLostError" in worker.log_path.read_text()
    assert not DigestDelivery.objects.filter(week=WEEK, status=DeliveryStatus.SENDING).exists()
    assert DigestRun.objects.get(pk=run.pk).sent == MEMBERS


def test_a_response_posted_with_the_broker_down_is_emailed_once_it_is_back(
    worker, mail_dir, client, settings, caplog
):
    settings.NOTIFICATIONS_RESPONSE_BATCH_SECONDS = 1
    circle = CircleFactory()
    author, peer = UserFactory(), UserFactory()
    for member in (author, peer):
        MembershipFactory(circle=circle, member=member, joined_at=at(1))
    log = log_in(circle, author, published_at=at(20), title="Handover huddle")
    url = reverse("circles:response_create", kwargs={"slug": circle.slug, "pk": log.pk})
    client.force_login(peer)

    with broker_unreachable():
        page = client.post(url, {"kind": "question", "body": "Who leads the huddle?"})
    assert page.status_code == 302  # the page answers normally
    assert Response.objects.filter(log=log, author=peer).exists()  # the row is saved
    assert "broker unreachable" in caplog.text and sent_to(mail_dir) == Counter()

    # The broker is back: the periodic sweep (here sent at once) finds the response.
    time.sleep(1.1)
    sweep_task.delay()
    wait_until(lambda: sent_to(mail_dir)[author.email] == 1, worker, "the swept email")

    # And with the broker up, the next response is queued and sent by the worker.
    client.post(url, {"kind": "suggestion", "body": "Try a timer."})
    wait_until(lambda: sent_to(mail_dir)[author.email] == 2, worker, "the queued email")
    time.sleep(1.5)
    assert sent_to(mail_dir) == Counter({author.email: 2})


def test_a_worker_killed_mid_batch_and_restarted_leaves_exactly_one_digest_each(
    start_worker, mail_dir
):
    """The whole worker dies (not just a pool child): its unacked batch stays in Redis and
    is handed to the restarted worker once the visibility timeout passes."""
    members = members_with_something_to_read(MEMBERS)
    readers = {m.email for m in members[:-1]}
    (mail_dir / "BLOCK").touch()
    short = {"WORKER_VISIBILITY_TIMEOUT": "3"}
    first = start_worker(pool="solo", **short)

    run = run_digest()
    wait_until((mail_dir / "pid").exists, first, "the worker to start sending")
    assert int((mail_dir / "pid").read_text()) == first.pid
    (mail_dir / "KILLED").touch()
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert DigestDelivery.objects.filter(week=WEEK, status=DeliveryStatus.SENDING).exists()

    second = start_worker(pool="solo", **short)
    wait_until(finished(run), second, "the restarted worker to finish the run")

    assert sent_to(mail_dir) == Counter({address: 1 for address in readers})
    assert not DigestDelivery.objects.filter(week=WEEK, status=DeliveryStatus.SENDING).exists()


@pytest.fixture
def smtp_sink():
    with SMTPSink() as sink:
        yield sink


def pool_child(worker) -> int:
    """The process id of the prefork worker's one pool child (the one that sends)."""
    children = [
        int(pid)
        for path in Path(f"/proc/{worker.pid}/task").glob("*/children")
        for pid in path.read_text().split()
    ]
    assert len(children) == 1, children
    return children[0]


def test_a_pool_child_killed_after_k_digests_reached_smtp_sends_none_of_them_twice(
    start_worker, smtp_sink
):
    """SIGKILL to the pool child once 13 digests (a batch and a part of the next) reached
    the SMTP server and the 14th is in flight: the redelivered batch sends only the rest."""
    members = members_with_something_to_read(MEMBERS)
    readers = {m.email for m in members[:-1]}
    smtp_sink.block_after = 13
    worker = start_worker(EMAIL_URL=smtp_sink.url)

    run = run_digest()
    wait_until(smtp_sink.holding.is_set, worker, "13 digests to reach the SMTP server")
    os.kill(pool_child(worker), signal.SIGKILL)
    smtp_sink.release()

    wait_until(finished(run), worker, "the run to finish after the redelivery")
    assert smtp_sink.delivered() == Counter({address: 1 for address in readers})
    assert "WorkerLostError" in worker.log_path.read_text()
    assert DigestRun.objects.get(pk=run.pk).sent == MEMBERS


def test_a_worker_killed_after_k_digests_reached_smtp_and_restarted_sends_none_twice(
    start_worker, smtp_sink
):
    """The whole worker dies after 5 digests were accepted: its unacked batch goes to the
    restarted worker, which sends only the ones not on record as sent."""
    members = members_with_something_to_read(MEMBERS)
    readers = {m.email for m in members[:-1]}
    smtp_sink.block_after = 5
    env = {"EMAIL_URL": smtp_sink.url, "WORKER_VISIBILITY_TIMEOUT": "3"}
    first = start_worker(pool="solo", **env)

    run = run_digest()
    wait_until(smtp_sink.holding.is_set, first, "5 digests to reach the SMTP server")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    smtp_sink.release()
    assert DigestDelivery.objects.filter(week=WEEK, status=DeliveryStatus.SENT).count() == 5

    second = start_worker(pool="solo", **env)
    wait_until(finished(run), second, "the restarted worker to finish the run")
    assert smtp_sink.delivered() == Counter({address: 1 for address in readers})
    assert not DigestDelivery.objects.filter(week=WEEK, status=DeliveryStatus.SENDING).exists()
