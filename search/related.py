"""Commons lessons related to a log ("Lessons from elsewhere" on the log form and page):
the same search, over lessons only, for lessons that share at least two of the log's
meaningful words and tags. One word in common is not enough ("wait" or "residents" is in
half the lessons), and words every text uses are not looked for at all: no lesson is
better than an irrelevant one."""

import re
from dataclasses import dataclass
from itertools import combinations

from commons.models import Lesson
from search.backends import backend
from search.models import DocumentKind, SearchDocument
from search.query import STOP_WORDS, Group, Parsed

# Enough of a log to say what it is about without making a query of every word: the
# query asks for any two of them (45 pairs for 10 words).
WORDS_MAX = 10
# Shorter words are too often part of a sentence's frame to say what a log is about.
WORD_MIN_CHARS = 4
# Everyday English words that say nothing about what a log or lesson is about, beyond the
# stop words the search itself drops.
_COMMON_WORDS_TEXT = """
able about above across actually after again against almost along already also although
always among another anyone anything around asked asking away back based became become
becomes been before began being believe best better big both bring brought came cannot
case change changed changes come comes coming could days different does doing done down
during each early easy either else enough even ever every everyone everything expect
expected expecting fact feel feeling felt find finding first found four from full gave
getting give given gives giving goes going gone good got great half happen happened
happening happens hard have having help helped helping helps here high hour hours however
idea into issue issues just keep keeping kept kind knew know known last late later learn
learned learning learnt least left less like likely little long look looked looking lots
made main make makes making many maybe mean meant might minute minutes month months more
most much must need needed needs never next nothing number numbers often once ones only
open other others over part people perhaps place plan planned point put quite rather
real really right said same saying says second seem seemed seems seen several should
show showed shown side simple since small some someone something sometimes soon start
started still such sure take taken takes taking tell than that them then there these
they thing things think thinking third this those though thought three through time
times today told took tried tries true trying turn turned under until used using usual
usually very wait waited waiting waits want wanted wants week weeks well went were what
when where whether which while whole will with within without work worked working works
would year years yesterday
"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SUFFIXES = ("ing", "ed", "es", "s", "e")


@dataclass(frozen=True)
class RelatedLesson:
    pk: int
    title: str

    @property
    def url(self) -> str:
        return Lesson(pk=self.pk).get_absolute_url()


def _same_word(word: str) -> str:
    """A rough common form of a word's inflections ("delay", "delays", "delayed"), so
    that two forms of one word never count as the two words a lesson shares."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= WORD_MIN_CHARS - 1:
            word = word[: -len(suffix)]
    return word


def meaningful_words(text: str, tags=()) -> list[str]:
    """The tags, then the words of ``text`` that say what it is about, in order, each
    word once whatever its form, at most ``WORDS_MAX``."""
    candidates = [" ".join(_WORD.findall(str(tag).lower())) for tag in tags]
    candidates += [word.lower() for word in _WORD.findall(text or "")]
    words, seen = [], set()
    for word in candidates:
        parts = word.split()
        if not parts or all(p in STOP_WORDS or p in COMMON_WORDS for p in parts):
            continue
        if len(parts) == 1 and len(word) < WORD_MIN_CHARS:
            continue
        key = " ".join(_same_word(p) for p in parts)
        if key in seen:
            continue
        seen.add(key)
        words.append(word)
        if len(words) >= WORDS_MAX:
            break
    return words


def lessons_related(
    *,
    text: str,
    tags=(),
    reader_id: int | None = None,
    circle_id: int | None = None,
    limit: int = 3,
) -> list[RelatedLesson]:
    """One query: the best-ranked listed lessons that hold any two of the meaningful
    words, none of the reader's own and none shared from the log's circle
    (``circle_id``): lessons from elsewhere, never the log's own lesson or its circle's,
    which its members have read as logs already."""
    pairs = list(combinations(meaningful_words(text, tags), 2))
    if not pairs:
        return []
    query = " or ".join(f'"{first}" "{second}"' for first, second in pairs)
    parsed = Parsed([Group(include=list(pair)) for pair in pairs])
    lessons = Lesson.objects.listed()
    if reader_id is not None:
        lessons = lessons.exclude(author_id=reader_id)
    if circle_id is not None:
        lessons = lessons.exclude(circle_id=circle_id)
    documents = SearchDocument.objects.filter(
        kind=DocumentKind.LESSON, object_id__in=lessons.values("pk")
    )
    rows = (
        backend()
        .matching(documents, query, parsed)
        .order_by("-rank", "-id")
        .values_list("object_id", "title")[:limit]
    )
    return [RelatedLesson(pk=pk, title=title) for pk, title in rows]
