"""Email already waiting in the broker for a member who is then erased: the messages are
published to Redis before the erasure, taken from the queue after it and run as a worker
would; nothing is sent and nothing is recorded for her."""

import os

import pytest

from notifications.models import DigestDelivery, ResponseNotification
from privacy.models import ErasureMode
from privacy.services.erasure import erasure_request, erasure_run
from school.celery import app
from tests.privacy.conftest import ALICE_EMAIL

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs Redis: start it (redis-server --port 6379) and set "
        "REDIS_URL=redis://127.0.0.1:6379/<your db>",
    ),
]
QUEUE = "email"


def _purge():
    with app.connection_for_write() as conn:  # our queue only; never FLUSHDB
        conn.default_channel.queue_purge(QUEUE)


def _run_waiting_messages() -> list[str]:
    """Take every message waiting on the queue and run its task here, as a worker would."""
    ran = []
    with app.connection_for_read() as conn:
        queue = conn.SimpleQueue(QUEUE, no_ack=False)
        try:
            while True:
                try:
                    message = queue.get(block=True, timeout=1)
                except queue.Empty:
                    break
                name = message.headers["task"]
                args, kwargs, _ = message.payload
                app.tasks[name].apply(args=args, kwargs=kwargs).get()
                message.ack()
                ran.append(name)
        finally:
            queue.close()
    return ran


@pytest.mark.parametrize("mode", [ErasureMode.REMOVE, ErasureMode.ANONYMISE])
def test_digests_and_response_emails_already_queued_for_her_send_nothing(world, mailoutbox, mode):
    from notifications.tasks import digest_send_batch_task, response_emails_send_task

    _purge()
    alice_id = world.alice.pk
    DigestDelivery.objects.filter(member=world.alice).delete()
    ResponseNotification.objects.filter(recipient=world.alice).delete()
    digest_send_batch_task.apply_async(args=["2026-11-30", [alice_id], None])
    response_emails_send_task.apply_async(args=[alice_id])

    erasure_run(erasure_id=erasure_request(member=world.alice, mode=mode).pk)

    ran = _run_waiting_messages()
    assert sorted(ran) == ["notifications.digest_send_batch", "notifications.response_emails_send"]
    assert mailoutbox == []
    assert all(ALICE_EMAIL not in m.to for m in mailoutbox)
    assert not DigestDelivery.objects.filter(member_id=alice_id).exists()
    assert not ResponseNotification.objects.filter(recipient_id=alice_id).exists()
