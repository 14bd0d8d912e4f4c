"""The same corpus gives the same top results on PostgreSQL and SQLite: stemming, phrases,
exclusions, or, and a title match ranked above a body match."""

import pytest

from search.selectors import Filters, search
from tests.factories import ActionLogFactory as make_log
from tests.factories import (
    CircleFactory,
    LessonFactory,
    MembershipFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    circle = CircleFactory()
    reader = MembershipFactory(circle=circle).member

    def ActionLogFactory(**kwargs):  # noqa: N802 (the factory, with plain text elsewhere)
        return make_log(action="Something new.", prediction="", outcome="", insight="",
                        next_step="", **kwargs)  # fmt: skip

    logs = {
        "title": ActionLogFactory(
            circle=circle, title="Rostering nurses fairly", situation="The rota was unfair."
        ),
        "body": ActionLogFactory(
            circle=circle,
            title="Weekend cover",
            situation="We tried rostering by preference; weekends stayed hard.",
        ),
        "phrase": ActionLogFactory(
            circle=circle, title="Bed meeting", situation="The bed manager ran a safety huddle."
        ),
        "huddle": ActionLogFactory(
            circle=circle, title="Huddles", situation="A huddle about safety, run by the manager."
        ),
        "discharge": ActionLogFactory(
            circle=circle, title="Discharge lounge", situation="Discharges before noon."
        ),
    }
    response = ResponseFactory(log=logs["discharge"], body="Did the pharmacy rosters change?")
    lesson = LessonFactory(title="Ask first", insight="Ask people before you roster them.")
    return reader, logs, response, lesson


def found(reader, text, **filters):
    results = search(user=reader, text=text, filters=Filters(**filters))
    return [(hit.kind, hit.item.pk) for hit in results.hits]


def test_stemmed_words_match_and_a_title_match_ranks_first(corpus):
    reader, logs, response, lesson = corpus
    hits = found(reader, "rostered")
    assert hits[0] == ("log", logs["title"].pk)
    assert set(hits) == {
        ("log", logs["title"].pk),
        ("log", logs["body"].pk),
        ("response", response.pk),
        ("lesson", lesson.pk),
    }


def test_a_quoted_phrase_matches_only_those_words_together(corpus):
    reader, logs, _response, _lesson = corpus
    assert found(reader, '"safety huddle"') == [("log", logs["phrase"].pk)]
    assert set(found(reader, "safety huddle")) == {
        ("log", logs["phrase"].pk),
        ("log", logs["huddle"].pk),
    }


def test_minus_excludes_and_or_widens(corpus):
    reader, logs, response, lesson = corpus
    assert found(reader, "huddle -bed") == [("log", logs["huddle"].pk)]
    assert set(found(reader, "discharge or weekend")) == {
        ("log", logs["discharge"].pk),
        ("log", logs["body"].pk),
    }


def test_filters_narrow_to_one_kind(corpus):
    reader, logs, response, lesson = corpus
    assert found(reader, "roster", only="lesson") == [("lesson", lesson.pk)]
    assert found(reader, "roster", response_kind="question") == [("response", response.pk)]
    assert ("lesson", lesson.pk) not in found(reader, "roster", circle=logs["title"].circle)


def test_snippets_mark_the_matches(corpus):
    reader, logs, _response, _lesson = corpus
    hit = search(user=reader, text="rostering").hits[0]
    assert "<mark>Rostering</mark>" in hit.title
    assert "<mark>" in hit.snippet or hit.snippet


def test_tag_role_and_date_filters(corpus):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import RoleFactory

    reader, logs, response, lesson = corpus
    logs["title"].tags.add("rota")
    lesson.tags.add("rota")
    assert set(found(reader, "roster", tag="rota")) == {
        ("log", logs["title"].pk),
        ("lesson", lesson.pk),
    }
    nurse = RoleFactory()
    logs["title"].circle.roles.add(nurse)
    assert ("lesson", lesson.pk) not in found(reader, "roster", role=nurse)
    assert ("log", logs["title"].pk) in found(reader, "roster", role=nurse)
    assert found(reader, "roster", role=lesson.role) == [("lesson", lesson.pk)]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert found(reader, "roster", date_from=tomorrow) == []
    assert len(found(reader, "roster", date_to=tomorrow)) == 4
