"""The commons' question and answer emails carry one-click unsubscribe (both parts and the
List-Unsubscribe headers), a preference of their own on the preferences page, and stop
once it is off."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from commons.services import lesson_question_answer, lesson_question_ask
from members.models import Profile
from notifications.services.commons import commons_email_send
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db

LABEL = "emails about questions on lessons in the commons"


def _one_click(email) -> None:
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in email.body
    ((html, _),) = email.alternatives
    assert url in html and f"Unsubscribe from {LABEL}" in html
    assert f"Unsubscribe from {LABEL}" in email.body
    page = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert page.status_code == 200


def test_a_question_email_unsubscribes_the_author_from_commons_emails_only():
    lesson = LessonFactory()
    question = lesson_question_ask(asker=UserFactory(), lesson=lesson, body="Which board?")
    mail.outbox.clear()
    assert commons_email_send(event="question", pk=question.pk) == 1
    _one_click(mail.outbox[0])
    profile = Profile.objects.get(user=lesson.author)
    assert profile.commons_emails_enabled is False
    assert (profile.response_emails_enabled, profile.mention_emails_enabled) == (True, True)
    again = lesson_question_ask(asker=UserFactory(), lesson=lesson, body="And the cost?")
    mail.outbox.clear()
    assert commons_email_send(event="question", pk=again.pk) == 0
    assert mail.outbox == []


def test_an_answer_email_unsubscribes_the_asker():
    lesson, asker = LessonFactory(), UserFactory()
    question = lesson_question_ask(asker=asker, lesson=lesson, body="Which board?")
    lesson_question_answer(author=lesson.author, question=question, answer="A whiteboard.")
    mail.outbox.clear()
    assert commons_email_send(event="answer", pk=question.pk) == 1
    assert mail.outbox[0].to == [asker.email]
    _one_click(mail.outbox[0])
    assert Profile.objects.get(user=asker).commons_emails_enabled is False


def test_the_preferences_page_turns_commons_emails_off(client):
    member = UserFactory()
    client.force_login(member)
    page = client.get(reverse("members:preferences")).content.decode()
    assert "asks about a lesson I shared in the commons" in page
    assert "mentions me in a log or a response" in page
    client.post(
        reverse("members:preferences"),
        {"digest_enabled": "on", "response_emails_enabled": "on", "mention_emails_enabled": "on"},
    )
    profile = Profile.objects.get(user=member)
    assert profile.commons_emails_enabled is False and profile.mention_emails_enabled is True
    lesson = LessonFactory(source_log__author=member)
    question = lesson_question_ask(asker=UserFactory(), lesson=lesson, body="Which board?")
    mail.outbox.clear()
    assert commons_email_send(event="question", pk=question.pk) == 0
    assert mail.outbox == []
