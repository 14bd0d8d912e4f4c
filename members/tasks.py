"""Celery tasks for accounts: thin, plain values in, one service called."""

import smtplib

from celery import shared_task

from members.services import account_email_send


@shared_task(
    name="members.account_email_send",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def account_email_send_task(
    subject: str, body: str, from_email: str, to: list[str], html: str | None = None
) -> None:
    account_email_send(subject=subject, body=body, from_email=from_email, to=to, html=html)
