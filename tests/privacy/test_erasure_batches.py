"""Erasing a member who wrote thousands of logs: the work commits in batches of at most
``PRIVACY_BATCH_SIZE`` rows, a run killed after a batch is finished by the re-run with the
same result as an uninterrupted one, and members posting in her circles meanwhile do not
wait for it."""

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from circles.models import ActionLog, LogState, Response
from circles.services.logs import log_create
from circles.services.responses import response_create
from members.models import User
from notifications.models import Notification
from privacy.batches import Pace
from privacy.models import Erasure, ErasureMode, ErasureState
from privacy.services import erasure as erasure_service
from privacy.services.erasure import (
    FORMER_MEMBER,
    ErasureUnderWay,
    erasure_request,
    erasure_run,
    erasures_waiting,
)
from tests.factories import PASSWORD, CircleFactory, MembershipFactory, ResponseFactory
from tests.privacy.conftest import _named
from tests.privacy.test_erasure import tables_holding


class Killed(Exception):
    pass


@pytest.fixture(autouse=True)
def _nothing_queued(monkeypatch):
    """The erasure is run by the test, not by a task published when the request commits."""
    monkeypatch.setattr(erasure_service, "task_enqueue_on_commit", lambda *a, **kw: None)


def prolific(name: str, email: str, *, logs: int, peer: User) -> User:
    """A member of a circle of her own (with ``peer``) who wrote ``logs`` published logs
    and three drafts and responded to the peer's log; the peer names her in a response to
    one of her logs and in one to his own."""
    member = _named(email, name)
    circle = CircleFactory()
    MembershipFactory(circle=circle, member=member)
    MembershipFactory(circle=circle, member=peer)
    now = timezone.now()
    written = ActionLog.objects.bulk_create(
        ActionLog(
            circle=circle, author=member, title=f"Log {i}", situation="Handover overran.",
            action="A board.", state=LogState.PUBLISHED, published_at=now,
        )
        for i in range(logs)
    )  # fmt: skip
    ActionLog.objects.bulk_create(
        ActionLog(circle=circle, author=member, title=f"Draft {i}", state=LogState.DRAFT)
        for i in range(3)
    )
    peers_log = ActionLog.objects.create(
        circle=circle, author=peer, title="Rota gaps", situation="Gaps.", action="Bank staff.",
        state=LogState.PUBLISHED, published_at=now,
    )  # fmt: skip
    ResponseFactory(log=written[0], author=peer, body=f"Thanks {name}, that helps.")
    ResponseFactory(log=peers_log, author=member, body="Could you swap with the bank team?")
    ResponseFactory(log=peers_log, author=peer, body=f"As {name} said: ask the bank team.")
    Notification.objects.create(recipient=member, verb="responded", actor=peer, circle=circle)
    return member


def as_seen(circle) -> list:
    """What a circle shows: every log and response, by title or text and author's name."""
    logs = ActionLog.objects.filter(circle=circle).select_related("author__profile")
    responses = Response.objects.filter(log__circle=circle).select_related("author__profile")
    return sorted(
        [("log", lg.title, lg.state, lg.author.profile.display_name) for lg in logs]
        + [("response", r.body, r.author.profile.display_name) for r in responses]
    )


def test_2500_logs_are_anonymised_in_transactions_of_500_at_most(
    transactional_db, settings, monkeypatch
):
    settings.PRIVACY_BATCH_SIZE = 500
    settings.PRIVACY_BATCH_SECONDS = 60  # never paced down: the test counts the batches
    peer = _named("bob@example.org", "Bob Okafor")
    alice = prolific("Alice Nightingale", "alice@example.org", logs=2500, peer=peer)
    erasure = erasure_request(member=alice, mode=ErasureMode.ANONYMISE)
    db = connections["default"]
    commits, batches = [], []
    commit = db.commit
    monkeypatch.setattr(db, "commit", lambda: commits.append(1) or commit())
    save = erasure_service._progress_save

    def counted(erasure, step, counts):
        batches.append((step, dict(counts)))
        save(erasure, step, counts)

    monkeypatch.setattr(erasure_service, "_progress_save", counted)
    erasure_run(erasure_id=erasure.pk)
    erasure.refresh_from_db()
    moved = [
        c["circles.ActionLog (anonymised)"] for s, c in batches if s == "circles.ActionLog.author"
    ]
    assert moved == [500] * 5
    assert erasure.counts["circles.ActionLog (anonymised)"] == 2500
    assert erasure.state == ErasureState.DONE and erasure.batches == len(batches) + 1
    assert len(commits) > len(batches) >= 8  # each batch its own transaction, and the end
    assert ActionLog.objects.filter(author__profile__display_name=FORMER_MEMBER).count() == 2500


def test_a_slow_batch_makes_the_next_one_smaller(db, settings, monkeypatch):
    settings.PRIVACY_BATCH_SIZE = 64
    settings.PRIVACY_BATCH_SECONDS = 0  # every batch is slower than that
    peer = _named("bob@example.org", "Bob Okafor")
    alice = prolific("Alice Nightingale", "alice@example.org", logs=150, peer=peer)
    erasure = erasure_request(member=alice, mode=ErasureMode.REMOVE)
    save, sizes = erasure_service._progress_save, []

    def counted(erasure, step, counts):
        if step == "circles.ActionLog.author":
            sizes.append(counts["circles.ActionLog"])
        save(erasure, step, counts)

    monkeypatch.setattr(erasure_service, "_progress_save", counted)
    erasure_run(erasure_id=erasure.pk)
    assert sizes == [64, 32, 16, 8, 4, 2, 1] + [1] * (153 - 127)
    assert not ActionLog.objects.filter(title__startswith="Log ").exists()


def test_the_pace_halves_after_a_slow_batch_and_doubles_after_quick_ones(settings):
    settings.PRIVACY_BATCH_SIZE = 400
    settings.PRIVACY_BATCH_SECONDS = 0.5
    pace = Pace()
    sizes = [pace.size]
    for seconds in (0.9, 0.6, 0.3, 0.1, 0.1, 0.1, 0.1):
        pace.took(seconds)
        sizes.append(pace.size)
    assert sizes == [400, 200, 100, 100, 200, 400, 400, 400]


@pytest.mark.parametrize("mode", [ErasureMode.ANONYMISE, ErasureMode.REMOVE])
@pytest.mark.parametrize("killed_in", ["her logs", "the scrub"])
def test_a_run_killed_after_a_batch_is_finished_by_the_rerun_as_if_never_killed(
    db, settings, monkeypatch, mode, killed_in
):
    """Killed in the second batch of her logs (the first one committed), or in the first
    batch that scrubs her name; the re-run ends as her twin's uninterrupted erasure did."""
    settings.PRIVACY_BATCH_SIZE = 100
    settings.PRIVACY_BATCH_SECONDS = 60  # never paced down: the test counts the batches
    peer = _named("bob@example.org", "Bob Okafor")
    twin = prolific("Tessa Twin", "tessa@example.org", logs=250, peer=peer)
    twins_circle = twin.memberships.get().circle
    alice = prolific("Alice Nightingale", "alice@example.org", logs=250, peer=peer)
    alices_circle = alice.memberships.get().circle
    uninterrupted = erasure_run(erasure_id=erasure_request(member=twin, mode=mode).pk)

    erasure = erasure_request(member=alice, mode=mode)
    save, steps = erasure_service._progress_save, []

    def dies(erasure, step, counts):
        steps.append(step)
        if killed_in == "her logs":
            killed = steps.count("circles.ActionLog.author") == 2
        else:
            killed = step.startswith("scrub")
        if killed:
            raise Killed  # the worker dies before this batch commits
        save(erasure, step, counts)

    monkeypatch.setattr(erasure_service, "_progress_save", dies)
    with pytest.raises(Killed):
        erasure_run(erasure_id=erasure.pk)
    erasure.refresh_from_db()
    assert erasure.state == ErasureState.PENDING and erasure.batches == len(steps) - 1
    assert erasure.step == steps[-2]
    if killed_in == "her logs":  # one batch of her logs went, the rest is still hers
        assert ActionLog.objects.filter(author=alice, state=LogState.PUBLISHED).count() == 150
    assert User.objects.filter(pk=alice.pk).exists()  # her account goes last
    monkeypatch.setattr(erasure_service, "_progress_save", save)

    finished = erasure_run(erasure_id=erasure.pk)  # the message, redelivered
    assert finished.state == ErasureState.DONE and finished.member is None
    assert finished.counts == uninterrupted.counts
    assert finished.batches == uninterrupted.batches  # no batch done twice
    assert as_seen(alices_circle) == as_seen(twins_circle)
    assert not User.objects.filter(pk=alice.pk).exists()
    for text in ("Alice Nightingale", "alice@example.org"):
        assert tables_holding(text) == [], text
    assert erasure_run(erasure_id=erasure.pk) is None  # once more: nothing left to do


def test_a_second_request_finds_her_account_already_being_deleted(world):
    erasure_request(member=world.alice, mode=ErasureMode.ANONYMISE)
    with pytest.raises(ErasureUnderWay):
        erasure_request(member=world.alice, mode=ErasureMode.REMOVE)
    erasure_run(erasure_id=Erasure.objects.get().pk)
    with pytest.raises(ErasureUnderWay):  # a request that loaded her before she was gone
        erasure_request(member=world.alice, mode=ErasureMode.REMOVE)
    assert Erasure.objects.count() == 1


def test_the_sweep_restarts_an_erasure_only_once_its_batches_have_stopped(world):
    erasure = erasure_request(member=world.alice, mode=ErasureMode.ANONYMISE)
    lost = dt.timedelta(minutes=10)
    later = timezone.now() + dt.timedelta(minutes=11)
    with time_machine.travel(later):
        assert erasures_waiting(older_than=lost) == [erasure.pk]  # never started
    Erasure.objects.filter(pk=erasure.pk).update(progressed_at=later - dt.timedelta(minutes=1))
    with time_machine.travel(later):
        assert erasures_waiting(older_than=lost) == []  # a batch committed a minute ago
    with time_machine.travel(later + lost):
        assert erasures_waiting(older_than=lost) == [erasure.pk]  # then nothing for ten


def test_submitting_twice_says_it_is_already_being_deleted(world):
    """The second of two quick submissions loaded her, signed in, before the first one
    committed; by the time it asks, her erasure is under way."""
    browser = Client()
    browser.force_login(world.alice)
    Erasure.objects.create(member=world.alice, mode=ErasureMode.ANONYMISE)  # the first
    page = browser.post(
        reverse("privacy:delete_account"), {"mode": "remove", "password": PASSWORD}, follow=True
    )
    assert page.status_code == 200
    assert "Your account is already being deleted." in page.content.decode()
    assert not page.context["user"].is_authenticated
    assert Erasure.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_members_post_in_her_circle_while_her_erasure_runs(
    postgres_only, settings, monkeypatch, race
):
    """Each batch below is held open (``HOLD`` seconds, after its writes) to stand for a
    slow one. While one that moves her logs is open, and again while one that scrubs her
    name is, a peer responds to one of her logs and writes a new log in her circle: each
    post takes under a second, and none waits for the erasure as a whole."""
    settings.PRIVACY_BATCH_SIZE = 50
    settings.PRIVACY_BATCH_SECONDS = 60  # held batches are slow on purpose: not paced down
    hold, batches_held = 0.3, 7  # six of her logs' batches, one of responses naming her
    peer = _named("bob@example.org", "Bob Okafor")
    alice = prolific("Alice Nightingale", "alice@example.org", logs=300, peer=peer)
    circle = alice.memberships.get().circle
    first_log = ActionLog.objects.filter(author=alice, state=LogState.PUBLISHED).earliest("pk")
    erasure = erasure_request(member=alice, mode=ErasureMode.ANONYMISE)
    phases = {"circles.ActionLog.author": threading.Event(), "scrub": threading.Event()}
    save = erasure_service._progress_save

    def slow(erasure, step, counts):
        save(erasure, step, counts)  # the batch's rows are written, and locked till commit
        phase = "scrub" if step.startswith("scrub") else step
        if phase in phases:
            phases[phase].set()
            time.sleep(hold)

    monkeypatch.setattr(erasure_service, "_progress_save", slow)
    times, waits = {}, []

    def erase():
        started = time.perf_counter()
        erasure_run(erasure_id=erasure.pk)
        times["erasure"] = (started, time.perf_counter())

    def timed(write, **kwargs):
        started = time.perf_counter()
        write(**kwargs)
        waits.append(time.perf_counter() - started)

    def post():
        for n, phase in enumerate(phases.values()):
            assert phase.wait(timeout=10)
            log = ActionLog.objects.get(pk=first_log.pk)  # as her log's page loads it
            timed(response_create, author=peer, log=log, kind="question", body=f"Which board? {n}")
            data = {"title": f"Night cover {n}", "situation": "Gaps.", "action": "Bank staff."}
            timed(log_create, author=peer, circle=circle, data=data, tags=[], publish=True)
        times["posted"] = time.perf_counter()

    assert race([erase, post]) == ["ok", "ok"]
    assert len(waits) == 4 and max(waits) < 1, waits
    started, ended = times["erasure"]
    assert ended - started > hold * batches_held  # the erasure was still at work…
    assert times["posted"] < ended  # …when every post was in
    assert Erasure.objects.get(pk=erasure.pk).state == ErasureState.DONE
    answered = Response.objects.filter(body__startswith="Which board?", log=first_log)
    assert answered.count() == 2
    assert ActionLog.objects.get(pk=first_log.pk).author.display_name == FORMER_MEMBER
    assert (
        ActionLog.objects.filter(circle=circle, author=peer, title__startswith="Night").count() == 2
    )
