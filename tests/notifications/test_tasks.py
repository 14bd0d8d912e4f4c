"""Tasks called directly: thin wrappers over the services, routed and configured for
exactly-once sending."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from notifications import tasks
from notifications.models import (
    DigestDelivery,
    DigestRun,
    DigestRunState,
    NudgeDelivery,
    ResponseNotification,
)
from school.celery import app
from tests.factories import ResponseFactory
from tests.notifications.conftest import MONDAY_7AM, WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def batches(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.digest_send_batch_task, "apply_async", lambda **kw: calls.append(kw))
    return calls


def test_weekly_task_starts_this_weeks_run_and_fans_out_in_batches(
    circle, batches, settings, frozen
):
    settings.NOTIFICATIONS_DIGEST_BATCH_SIZE = 2
    members = [member_of(circle) for _ in range(5)]
    log_in(circle, members[0], published_at=at(20))

    tasks.digest_weekly_task()

    run = DigestRun.objects.get()
    assert (run.week, run.state, run.total) == (WEEK, DigestRunState.RUNNING, 5)
    sent_ids = [call["args"][1] for call in batches]
    assert [len(ids) for ids in sent_ids] == [2, 2, 1]
    assert sorted(pk for ids in sent_ids for pk in ids) == sorted(m.pk for m in members)
    assert all(call["args"][0] == "2026-11-23" and call["args"][2] == run.pk for call in batches)

    for call in batches:  # what the worker would do with each message
        tasks.digest_send_batch_task(*call["args"])
    run.refresh_from_db()
    assert (run.state, run.sent, run.skipped) == (DigestRunState.FINISHED, 4, 1)
    assert len(mail.outbox) == 4


def test_batch_task_for_a_run_that_is_gone_returns_quietly(circle):
    member = member_of(circle)
    tasks.digest_send_batch_task("2026-11-23", [member.pk], 999_999)
    assert not DigestDelivery.objects.exists() and mail.outbox == []


def test_nudge_sweep_task_sends_due_nudges(circle):
    author = member_of(circle)
    log_in(circle, author, published_at=at(1), next_step_due=dt.date(2026, 11, 20))
    with time_machine.travel(MONDAY_7AM, tick=False):
        tasks.nudges_sweep_task()
    assert NudgeDelivery.objects.filter(member=author).count() == 1
    assert [m.to for m in mail.outbox] == [[author.email]]


def test_sweep_task_finds_lost_work(circle, batches):
    author, peer = member_of(circle), member_of(circle)
    log = log_in(circle, author, published_at=at(20))
    with time_machine.travel(at(23, 9), tick=False):
        ResponseFactory(log=log, author=peer)  # its task was never published
        stuck = DigestRun.objects.create(week=WEEK)  # its fan-out message was lost
    with time_machine.travel(at(23, 10), tick=False):
        tasks.sweep_task()
    assert [m.to for m in mail.outbox] == [[author.email]]
    stuck.refresh_from_db()
    assert stuck.state == DigestRunState.RUNNING and len(batches) == 1


def test_a_refused_email_does_not_stop_the_sweep_from_sending_the_rest_and_resuming_runs(
    circle, batches, settings
):
    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.RefusingBackend"
    refused = member_of(circle, member__email="refused@example.org")
    author, peer = member_of(circle), member_of(circle)
    with time_machine.travel(at(23, 9), tick=False):
        for writer in (refused, author):
            ResponseFactory(log=log_in(circle, writer, published_at=at(20)), author=peer)
        stuck = DigestRun.objects.create(week=WEEK)  # its fan-out message was lost

    with time_machine.travel(at(23, 10), tick=False):
        tasks.sweep_task()

    assert [m.to for m in mail.outbox] == [[author.email]]
    assert not ResponseNotification.objects.filter(recipient=refused).exists()  # released
    stuck.refresh_from_db()
    assert stuck.state == DigestRunState.RUNNING and len(batches) == 1


def test_sending_tasks_ack_late_retry_with_backoff_and_use_the_email_queue():
    for task in (tasks.digest_send_batch_task, tasks.response_emails_send_task):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.retry_backoff and task.max_retries
        assert any(issubclass(e, OSError) for e in task.autoretry_for)
        assert task.time_limit and task.soft_time_limit
        assert app.amqp.router.route({}, task.name)["queue"].name == "email"
    assert app.amqp.router.route({}, "notifications.sweep")["queue"].name == "celery"
    assert app.conf.accept_content == ["json"] and app.conf.task_serializer == "json"


def test_sweep_releases_stale_claims_and_resumes_a_run_that_stopped_moving(circle, batches):
    lost, busy, waiting = member_of(circle), member_of(circle), member_of(circle)
    with time_machine.travel(at(23, 7), tick=False):
        run = DigestRun.objects.create(week=WEEK, state=DigestRunState.RUNNING, total=3)
        DigestRun.objects.filter(pk=run.pk).update(started_at=at(23, 7))
        DigestDelivery.objects.create(member=lost, week=WEEK, status="sending", claim_token="t1")
    with time_machine.travel(at(23, 7, minute=35), tick=False):
        DigestDelivery.objects.create(member=busy, week=WEEK, status="sent")

    with time_machine.travel(at(23, 7, minute=40), tick=False):
        tasks.sweep_task()
    assert DigestDelivery.objects.get(member=lost).status == "failed"  # its worker is long gone
    assert batches == []  # but batches are still moving: nothing to resume yet

    with time_machine.travel(at(23, 8), tick=False):
        tasks.sweep_task()
    [call] = batches
    assert sorted(call["args"][1]) == sorted([lost.pk, waiting.pk])


def test_the_data_migration_creates_the_default_beat_schedules(settings):
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    # Transactional tests elsewhere flush the table: run the migration's function again
    # (it is idempotent) rather than depend on test order.
    migration = importlib.import_module("notifications.migrations.0002_default_schedules")
    migration.create(apps, None)
    migration.create(apps, None)
    assert PeriodicTask.objects.filter(task__startswith="notifications.").count() >= 3
    schedules = {t.task: t for t in PeriodicTask.objects.select_related("crontab")}
    weekly = schedules["notifications.digest_weekly"].crontab
    assert (weekly.minute, weekly.hour, weekly.day_of_week) == ("0", "7", "1")
    assert str(weekly.timezone) == settings.TIME_ZONE
    hourly = schedules["notifications.nudges_sweep"].crontab
    assert (hourly.hour, hourly.day_of_week) == ("*", "*") and hourly.minute.isdigit()
    assert schedules["notifications.sweep"].crontab.minute == "*/5"
    assert all(t.enabled for t in schedules.values())
    for name in schedules:
        assert name in app.tasks  # every schedule names a registered task
