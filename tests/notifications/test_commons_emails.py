"""Emails about the commons go out once each, even when their task was lost: the periodic
sweep sends what was never claimed, and a second sweep sends nothing."""

import smtplib

import pytest
from django.core import mail

from commons.services import lesson_question_ask, lesson_withdraw
from notifications.services.commons import commons_email_send
from notifications.tasks import sweep_task
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_sweep_sends_a_lost_question_and_withdrawal_once():
    lesson = LessonFactory()
    asker = UserFactory()
    lesson_question_ask(asker=asker, lesson=lesson, body="Which board?")  # task never runs
    lesson_withdraw(actor=UserFactory(is_staff=True), lesson=lesson, reason="Names a ward.")
    sweep_task()
    assert sorted(m.to[0] for m in mail.outbox) == [lesson.author.email, lesson.author.email]
    assert any("Names a ward." in m.body for m in mail.outbox)
    sweep_task()
    assert len(mail.outbox) == 2


def test_a_failed_send_is_released_for_the_sweep(settings):
    lesson = LessonFactory()
    question = lesson_question_ask(asker=UserFactory(), lesson=lesson, body="How?")
    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.BrokenSMTPBackend"
    with pytest.raises(smtplib.SMTPConnectError):
        commons_email_send(event="question", pk=question.pk)
    question.refresh_from_db()
    assert question.author_emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert commons_email_send(event="question", pk=question.pk) == 1
    assert mail.outbox[0].to == [lesson.author.email]
