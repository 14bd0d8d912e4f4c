"""The commons' list pages cost the same queries for few lessons and many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ActionLogFactory, LessonFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _cost(client, url) -> int:
    client.get(url)  # sessions and caches warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_browse_costs_the_same_for_2_lessons_or_20(client):
    client.force_login(UserFactory())
    for _ in range(2):
        LessonFactory().tags.add("handover")
    few = _cost(client, reverse("commons:browse"))
    for _ in range(18):
        LessonFactory().tags.add("handover", "boards")
    assert _cost(client, reverse("commons:browse")) == few


def test_my_lessons_and_a_lesson_page_cost_the_same_for_few_questions_or_many(client):
    author = UserFactory()
    log = ActionLogFactory(author=author)
    MembershipFactory(member=author, circle=log.circle)
    lesson = LessonFactory(source_log=log)
    client.force_login(author)
    lesson.questions.create(asker=UserFactory(), body="How?")
    mine, page = _cost(client, reverse("commons:mine")), _cost(client, lesson.get_absolute_url())
    for i in range(10):
        lesson.questions.create(asker=UserFactory(), body=f"How {i}?")
        LessonFactory(source_log=ActionLogFactory(author=author, circle=log.circle))
    assert _cost(client, reverse("commons:mine")) == mine
    assert _cost(client, lesson.get_absolute_url()) == page


def test_the_search_page_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    member = MembershipFactory().member
    client.force_login(member)
    for i in range(30):
        log = ActionLogFactory(circle=member.memberships.get().circle, title=f"Handover {i}")
        LessonFactory(source_log=log, title=f"Handover lesson {i}")
    client.get(reverse("search:search"), {"q": "handover"})
    with django_assert_max_num_queries(16):
        page = client.get(reverse("search:search"), {"q": "handover"})
    assert "60 results" in page.content.decode()
