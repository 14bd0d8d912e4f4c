"""A digest batch whose message is lost with its worker (the filesystem broker drops a
message once read; Redis can lose it on a restart) is sent by the sweep, also when that
batch was the last of its run."""

import pytest
import time_machine
from django.core import mail

from notifications import tasks
from notifications.models import DeliveryStatus, DigestDelivery, DigestRun, DigestRunState
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def batches(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.digest_send_batch_task, "apply_async", lambda **kw: calls.append(kw))
    return calls


def test_sweep_resends_the_last_batch_of_a_run_when_its_worker_was_lost(circle, batches):
    a, b = member_of(circle), member_of(circle)
    with time_machine.travel(at(23, 7), tick=False):
        writer = member_of(circle)
        log_in(circle, writer, published_at=at(20))
        run = DigestRun.objects.create(week=WEEK, state=DigestRunState.RUNNING, total=3)
        DigestRun.objects.filter(pk=run.pk).update(started_at=at(23, 7))
        for m in (a, b):  # claimed by a batch whose worker died before sending
            DigestDelivery.objects.create(member=m, week=WEEK, status="sending", claim_token="t1")
        # The writer's batch went through: nothing for them to read this week.
        DigestDelivery.objects.create(member=writer, week=WEEK, status="skipped")

    with time_machine.travel(at(23, 8), tick=False):
        tasks.sweep_task()
    [call] = batches
    assert sorted(call["args"][1]) == sorted([a.pk, b.pk])

    with time_machine.travel(at(23, 8, minute=1), tick=False):
        tasks.digest_send_batch_task(*call["args"])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    assert set(
        DigestDelivery.objects.filter(member__in=[a, b]).values_list("status", flat=True)
    ) == {DeliveryStatus.SENT}

    with time_machine.travel(at(23, 8, minute=30), tick=False):
        tasks.sweep_task()
    assert len(batches) == 1  # nothing lost any more: the sweep leaves the run alone
    assert DigestRun.objects.get(pk=run.pk).state == DigestRunState.FINISHED


def test_sweep_retries_digests_whose_sends_failed_for_longer_than_the_task_retries(circle, batches):
    a = member_of(circle)
    with time_machine.travel(at(23, 7), tick=False):
        writer = member_of(circle)
        log_in(circle, writer, published_at=at(20))
        run = DigestRun.objects.create(week=WEEK, state=DigestRunState.RUNNING, total=2)
        DigestRun.objects.filter(pk=run.pk).update(started_at=at(23, 7))
        # SMTP was down through every retry of the batch: the row ended failed.
        DigestDelivery.objects.create(
            member=a, week=WEEK, status="failed", claim_token="t1", error="send failed"
        )
        DigestDelivery.objects.create(member=writer, week=WEEK, status="skipped")

    with time_machine.travel(at(23, 7, minute=20), tick=False):
        tasks.sweep_task()
    assert batches == []  # too soon: the task's own retries may still be under way

    with time_machine.travel(at(23, 8), tick=False):
        tasks.sweep_task()
    [call] = batches
    assert call["args"][1] == [a.pk]
    with time_machine.travel(at(23, 8, minute=1), tick=False):
        tasks.digest_send_batch_task(*call["args"])
    assert [m.to[0] for m in mail.outbox] == [a.email]

    # Days later a still-failing digest is left alone (it would be stale).
    DigestDelivery.objects.filter(member=a).update(status="failed", claimed_at=at(24))
    with time_machine.travel(at(26, 9), tick=False):
        tasks.sweep_task()
    assert len(batches) == 1
