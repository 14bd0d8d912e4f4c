"""Sharing a lesson and asking its author carry a one-time token: the same form posted
again makes nothing new and lands on what the first made."""

import re

import pytest
from django.urls import reverse

from commons.models import Lesson, LessonQuestion
from tests.commons.test_commons import share_data, world  # noqa: F401 (a fixture)
from tests.factories import LessonFactory

pytestmark = pytest.mark.django_db


def _token(html: str, action: str = "") -> str:
    forms = re.findall(r"<form[^>]*>.*?</form>", html, re.S)
    form = next(f for f in forms if action in f and 'name="once"' in f)
    return re.search(r'name="once" value="([^"]+)"', form).group(1)


def test_sharing_the_same_lesson_form_twice_shares_one_lesson(client, world):  # noqa: F811
    role, circle, author, colleague, log, official = world
    client.force_login(author)
    url = reverse("commons:share", args=[log.pk])
    data = share_data(role, once=_token(client.get(url).content.decode()))
    first = client.post(url, data)
    lesson = Lesson.objects.get()
    assert first["Location"] == lesson.get_absolute_url()
    again = client.post(url, data, follow=True)
    assert Lesson.objects.count() == 1
    assert again.redirect_chain[-1][0] == lesson.get_absolute_url()
    assert "This was already sent" in again.content.decode()


def test_asking_the_same_question_form_twice_asks_once(client, world):  # noqa: F811
    role, circle, author, colleague, log, official = world
    lesson = LessonFactory(source_log=log, role=role)
    client.force_login(official)
    ask = reverse("commons:ask", args=[lesson.pk])
    token = _token(client.get(lesson.get_absolute_url()).content.decode(), ask)
    for _ in range(2):
        page = client.post(ask, {"body": "Which board did you buy?", "once": token})
        assert page.status_code == 302 and page["Location"] == lesson.get_absolute_url()
    assert LessonQuestion.objects.filter(lesson=lesson).count() == 1
