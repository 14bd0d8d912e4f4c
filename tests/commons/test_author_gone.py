"""Once the author of a lesson has deleted her account, nobody is left to answer: the lesson
page closes "Ask the author" and says why, and a question sent anyway is refused."""

import pytest
from django.urls import reverse

from commons.models import LessonQuestion
from privacy.services.erasure import erasure_request, erasure_run
from tests.factories import ActionLogFactory, LessonFactory, UserFactory

pytestmark = pytest.mark.django_db

GONE = "The author has left the school, so nobody can answer questions on this lesson any more."


@pytest.fixture
def lesson():
    return LessonFactory(source_log=ActionLogFactory(title="A board at handover"))


def _ask(client, lesson):
    return client.post(
        reverse("commons:ask", args=[lesson.pk]), {"body": "Which board?"}, follow=True
    )


def test_a_lesson_whose_author_is_there_takes_questions(client, lesson):
    client.force_login(UserFactory())
    assert "Send question" in client.get(lesson.get_absolute_url()).content.decode()
    assert "is on its way" in _ask(client, lesson).content.decode()
    assert LessonQuestion.objects.count() == 1


@pytest.mark.parametrize("finished", [False, True], ids=["being-deleted", "deleted"])
def test_once_the_author_deleted_her_account_ask_the_author_is_closed(client, lesson, finished):
    asked = LessonQuestion.objects.create(lesson=lesson, asker=UserFactory(), body="Earlier?")
    erasure = erasure_request(member=lesson.author, mode="anonymise")
    if finished:
        erasure_run(erasure_id=erasure.pk)
    client.force_login(UserFactory())
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert GONE in page
    assert "Send question" not in page and 'name="body"' not in page
    assert "it will not be: the author has left the school" in page
    after = _ask(client, lesson)
    assert after.status_code == 200
    html = after.content.decode()
    assert GONE in html and "is on its way" not in html
    assert list(LessonQuestion.objects.values_list("pk", flat=True)) == [asked.pk]
