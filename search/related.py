"""Commons lessons related to a log ("Lessons from elsewhere" on the log form and page):
the same search, over lessons only, for any of the log's significant words and tags."""

from dataclasses import dataclass

from commons.models import Lesson
from search.backends import backend
from search.models import DocumentKind, SearchDocument
from search.query import any_of, parse

# Enough of a log to say what it is about without making a query of every word.
WORDS_MAX = 12


@dataclass(frozen=True)
class RelatedLesson:
    pk: int
    title: str

    @property
    def url(self) -> str:
        return Lesson(pk=self.pk).get_absolute_url()


def lessons_related(
    *,
    text: str,
    tags=(),
    reader_id: int | None = None,
    circle_id: int | None = None,
    limit: int = 3,
) -> list[RelatedLesson]:
    """One query: the best-ranked listed lessons for any of the words, none of the
    reader's own and none shared from the log's circle (``circle_id``): lessons from
    elsewhere, never the log's own lesson or its circle's, which its members have read
    as logs already."""
    words = [*tags, *(word for word in (text or "").split() if len(word) >= 4)]
    query = any_of(words, limit=WORDS_MAX)
    parsed = parse(query)
    if not parsed.searchable:
        return []
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
