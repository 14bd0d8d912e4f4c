"""PostgreSQL: ``websearch_to_tsquery`` with English stemming over the stored, weighted
``tsvector`` (GIN index), ``ts_rank`` for order, ``ts_headline`` for snippets."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F, QuerySet

from search.backends.base import START, STOP
from search.query import Parsed

CONFIG = "english"
# Snippets can be asked for in the ranked page's own query: PostgreSQL computes an
# expensive output column after the sort and limit, for the page's rows alone.
MARKED_WITH_RANK = True


def _query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def matching(documents: QuerySet, text: str, parsed: Parsed) -> QuerySet:
    query = _query(text)
    return documents.filter(vector=query).annotate(rank=SearchRank(F("vector"), query))


def marked(documents: QuerySet, text: str, parsed: Parsed) -> QuerySet:
    query = _query(text)
    return documents.annotate(
        title_marked=SearchHeadline(
            "title", query, config=CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
        ),
        body_marked=SearchHeadline(
            "body",
            query,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )
