"""Celery tasks: thin. They take ids and plain values, call one service and return quietly
when their object is gone. Sending tasks are idempotent (every email has a claimed row),
so they ack late and are handed out again when their worker dies mid-batch."""

import datetime as dt
import smtplib

from celery import shared_task
from kombu.exceptions import OperationalError

from notifications.models import DigestRun
from notifications.selectors import week_start
from notifications.services import (
    commons,
    digests,
    inbox,
    meeting_reminders,
    mentions,
    moderation,
    nudges,
    responses,
)

# Transient failures worth retrying with backoff: SMTP trouble, sockets, the broker.
RETRY_ON = (smtplib.SMTPException, ConnectionError, TimeoutError, OperationalError)

SENDING = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": RETRY_ON,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 6,
    "soft_time_limit": 10 * 60,
    "time_limit": 11 * 60,
}


class DigestBatchIncomplete(Exception):
    """Some digests of a batch were not sent (the SMTP server dropped the connection or
    refused them mid-batch). Their claims are released as failed; the retry sends those."""


@shared_task(name="notifications.digest_weekly", ignore_result=True)
def digest_weekly_task(week: str | None = None) -> None:
    """Beat, Monday 07:00: start this week's run and fan it out."""
    run = digests.digest_run_start(
        week=dt.date.fromisoformat(week) if week else week_start(), enqueue=False
    )
    digests.digest_run_fanout(run_id=run.pk)


@shared_task(name="notifications.digest_run_fanout", ignore_result=True, acks_late=True)
def digest_run_fanout_task(run_id: int) -> None:
    digests.digest_run_fanout(run_id=run_id)


@shared_task(
    name="notifications.digest_send_batch",
    bind=True,
    ignore_result=True,
    **{**SENDING, "autoretry_for": (*RETRY_ON, DigestBatchIncomplete)},
)
def digest_send_batch_task(self, week: str, member_ids: list[int], run_id: int | None) -> None:
    if run_id is not None and not DigestRun.objects.filter(pk=run_id).exists():
        return  # the run is gone
    result = digests.digest_send_batch(
        week=dt.date.fromisoformat(week),
        member_ids=member_ids,
        run_id=run_id,
        token=self.request.id,  # the same id when a lost task is redelivered
    )
    if run_id is not None:
        digests.digest_run_refresh(run_id=run_id)
    if result.failed:  # retried with backoff: the retry sends only the ones marked failed
        raise DigestBatchIncomplete(f"{result.failed} of the batch's digests were not sent")


@shared_task(name="notifications.response_emails_send", bind=True, ignore_result=True, **SENDING)
def response_emails_send_task(self, recipient_id: int) -> None:
    responses.response_emails_send(recipient_id=recipient_id, token=self.request.id)


@shared_task(name="notifications.moderation_email_send", bind=True, ignore_result=True, **SENDING)
def moderation_email_send_task(self, notification_id: int) -> None:
    moderation.moderation_email_send(notification_id=notification_id, token=self.request.id)


@shared_task(name="notifications.mention_email_send", bind=True, ignore_result=True, **SENDING)
def mention_email_send_task(self, notification_id: int) -> None:
    mentions.mention_email_send(notification_id=notification_id)


@shared_task(name="notifications.commons_email_send", bind=True, ignore_result=True, **SENDING)
def commons_email_send_task(self, event: str, pk: int) -> None:
    commons.commons_email_send(event=event, pk=pk, token=self.request.id)


@shared_task(name="notifications.nudges_sweep", ignore_result=True, **SENDING)
def nudges_sweep_task() -> None:
    """Beat, hourly: send every nudge that is due."""
    nudges.nudges_send_due()


@shared_task(name="notifications.sweep", ignore_result=True, acks_late=True)
def sweep_task() -> None:
    """Beat, every few minutes: find work a lost broker message left behind."""
    responses.response_emails_sweep()
    moderation.moderation_emails_sweep()
    meeting_reminders.meeting_reminders_sweep()
    mentions.mention_emails_sweep()
    for event, pk in commons.commons_emails_owed():
        commons.commons_email_send(event=event, pk=pk)
    digests.digest_runs_resume()


@shared_task(name="notifications.meeting_reminders_send", bind=True, ignore_result=True, **SENDING)
def meeting_reminders_send_task(self, occurrence_id: int) -> None:
    """Queued when a meeting is scheduled or moved: its reminders that are due now."""
    meeting_reminders.meeting_reminders_send(occurrence_id=occurrence_id, token=self.request.id)


@shared_task(name="notifications.inbox_purge", ignore_result=True)
def inbox_purge_task() -> None:
    """Beat, daily: delete read notifications older than 90 days."""
    inbox.notifications_purge()
