"""SQLite: the FTS5 table ``search_document_fts`` (Porter stemming), queried with the
search box's syntax translated by ``search.query.fts5_match``, ranked by ``bm25()`` with
the title weighted ten times the body, snippets by ``snippet()``.

FTS5's ranking and snippet functions only work in the query that holds the MATCH, so the
FTS table is joined in with ``extra()``: the ORM has no expression for a virtual table.
The rank is read from the table's ``rank`` column (``bm25`` with the weights, set by
``rank MATCH``), a value SQLite carries through the window that counts the matches, where
a call of ``bm25()`` would be out of its query."""

from django.db.models import QuerySet

from search.backends.base import START, STOP
from search.query import Parsed, fts5_match

FTS = "search_document_fts"
# ``snippet()`` cannot be asked for beside the window that counts the matches (it would be
# out of its query): the page's snippets are one more query, over its documents alone.
MARKED_WITH_RANK = False


def _joined(documents: QuerySet, parsed: Parsed, select: dict, where=()) -> QuerySet:
    return documents.extra(  # noqa: S610 (fixed SQL; the query text is a parameter)
        tables=[FTS],
        where=[f"{FTS}.rowid = search_document.id", f"{FTS} MATCH %s", *where],
        params=[fts5_match(parsed)],
        select=select,
    )


def matching(documents: QuerySet, text: str, parsed: Parsed) -> QuerySet:
    return _joined(
        documents, parsed, {"rank": f"-{FTS}.rank"}, [f"{FTS}.rank MATCH 'bm25(10.0, 1.0)'"]
    )


def marked(documents: QuerySet, text: str, parsed: Parsed) -> QuerySet:
    start, stop = f"char({ord(START)})", f"char({ord(STOP)})"
    return _joined(
        documents,
        parsed,
        {
            "title_marked": f"snippet({FTS}, 0, {start}, {stop}, '…', 64)",
            "body_marked": f"snippet({FTS}, 1, {start}, {stop}, ' … ', 30)",
        },
    )
