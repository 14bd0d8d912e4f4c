""" "Lessons from elsewhere": a lesson is related to a log when they share at least two
meaningful words; everyday words ("wait", "hours", "number") and one word in common are
not enough. The same on PostgreSQL and SQLite."""

import pytest

from search.related import lessons_related, meaningful_words
from tests.factories import LessonFactory

pytestmark = pytest.mark.django_db

DISCHARGE_LOG = " ".join(
    (
        "Discharges held up waiting for pharmacy",
        "Patients fit for discharge wait hours for their take-home medicines from pharmacy,"
        " so beds stay blocked and we cannot admit from the emergency department.",
        "Ordering take-home medicines the day before discharge made the biggest difference.",
    )
)


def lesson(title, situation, insight):
    return LessonFactory(title=title, situation=situation, action="", outcome="", insight=insight)


@pytest.fixture
def commons():
    return {
        "bins": lesson(
            "Missed bin collections: one number for residents",
            "Residents waited days and rang three different numbers to report a missed bin;"
            " the contact centre could not say when the crew would come back.",
            "One number and a text when the crew is on its way cut the calls by half.",
        ),
        "beds": lesson(
            "Blocked beds over the bank holiday",
            "The council's reablement team was closed, so beds stayed blocked for days.",
            "Book reablement before the holiday, not after.",
        ),
        "pharmacy": lesson(
            "Medicines ready the day before discharge",
            "Patients waited most of the day for pharmacy to dispense medicines to take home.",
            "Pharmacy screening the discharge medicines the afternoon before sped it up.",
        ),
    }


def titles(related):
    return [item.title for item in related]


def test_a_lesson_sharing_only_everyday_words_is_not_related(commons):
    """The bins lesson shares "wait", "days", "hours" and "number"-like words only; the
    blocked beds one shares "beds" and "blocked", and the pharmacy one most of all."""
    related = lessons_related(text=DISCHARGE_LOG)
    assert titles(related) == [
        "Medicines ready the day before discharge",
        "Blocked beds over the bank holiday",
    ]


def test_nothing_rather_than_something_irrelevant(commons):
    text = "Waiting lists for the allotments. Residents complained to the council for hours."
    assert lessons_related(text=text) == []


def test_tags_count_among_the_words_shared(commons):
    related = lessons_related(text="Beds blocked again this week.", tags=["reablement"])
    assert titles(related) == ["Blocked beds over the bank holiday"]


def test_everyday_words_and_forms_of_one_word_are_left_out():
    words = meaningful_words("We waited hours; the delays, delayed and delay grew.")
    assert words == ["delays", "grew"]
