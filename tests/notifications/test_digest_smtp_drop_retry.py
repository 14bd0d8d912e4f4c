"""When the SMTP server drops the connection part-way through a digest batch, the ones not
sent are retried (and only those): a member does not lose the week's digest to a hiccup."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from notifications import tasks
from notifications.models import DeliveryStatus, DigestDelivery
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db


class DroppingBackend(EmailBackend):
    """Opens fine, sends one message, then the server hangs up on every later one."""

    sent = 0

    def send_messages(self, messages):
        if DroppingBackend.sent >= 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        DroppingBackend.sent += len(messages)
        return super().send_messages(messages)


def test_digests_not_sent_when_smtp_drops_mid_batch_are_retried_once(frozen, circle, settings):
    members = [member_of(circle) for _ in range(3)]
    log_in(circle, member_of(circle), published_at=at(20))
    ids = [m.pk for m in members]
    settings.EMAIL_BACKEND = f"{__name__}.DroppingBackend"
    DroppingBackend.sent = 0

    # Called directly, a task that asks Celery to retry it raises instead: an error its
    # autoretry covers.
    task = tasks.digest_send_batch_task
    with pytest.raises(Exception) as raised:  # noqa: PT011
        task(WEEK.isoformat(), ids, None)
    assert isinstance(raised.value, task.autoretry_for)
    assert len(mail.outbox) == 1
    statuses = sorted(DigestDelivery.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.FAILED, DeliveryStatus.FAILED, DeliveryStatus.SENT]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    task(WEEK.isoformat(), ids, None)  # the retry
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
