"""Whatever is typed or put in the address bar gets results or a clear message, never a
500; highlighting never turns stored text into markup; a search costs the same queries
whatever it finds."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search.query import QUERY_MAX_CHARS, fts5_match, parse
from search.selectors import search
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    LessonFactory,
    MembershipFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    "handover\x00board",  # PostgreSQL refuses a NUL byte in a query
    "   ",
    "a" * 10_000,
    "word " * 2_000,
    '"unbalanced quote',
    'handover "',
    '"',
    '""',
    "-",
    "-handover",
    "or",
    "or or or",
    "handover or",
    "' OR 1=1 --",
    "'; DROP TABLE search_document; --",
    "NEAR(handover board)",
    "title:handover",
    "handover*",
    "^handover",
    "handover AND NOT board",
    "handover & !board | (x",
    "handover:*",
    "\\",
    "%_%",
    "<script>alert(1)</script>",
    "\x00\x02\x03",
    "the and of",
    "😀 ünïcödé",
]


@pytest.fixture
def member(db):
    circle = CircleFactory()
    member = MembershipFactory(circle=circle).member
    ActionLogFactory(circle=circle, title="Handover board")
    return member


@pytest.mark.parametrize("text", NASTY)
def test_any_query_answers_with_a_page(client, member, text):
    client.force_login(member)
    page = client.get(reverse("search:search"), {"q": text})
    assert page.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "handover", "circle": "no-such-circle"},
        {"q": "handover", "role": "no-such-role"},
        {"q": "handover", "kind": "bogus"},
        {"q": "handover", "only": "everything-else"},
        {"q": "handover", "date_from": "not-a-date", "date_to": "2026-13-45"},
        {"q": "handover", "page": "abc"},
        {"q": "handover", "page": "99999"},
        {"q": "handover", "page": "-1"},
        {"q": "handover", "unknown": "filter", "tag": "x" * 500},
    ],
)
def test_unknown_filters_are_left_out_and_said_so(client, member, params):
    client.force_login(member)
    page = client.get(reverse("search:search"), params)
    assert page.status_code == 200
    assert "hit-log-" in page.content.decode()


def test_a_bad_filter_is_named_and_the_search_still_runs(client, member):
    client.force_login(member)
    page = client.get(reverse("search:search"), {"q": "handover", "kind": "bogus"})
    body = page.content.decode()
    assert "The filter “Response kind” was left out" in body
    assert "1 result for" in body


def test_a_long_query_is_cut_and_the_member_told(member):
    results = search(user=member, text="handover " + "x" * 10_000)
    assert f"first {QUERY_MAX_CHARS} characters" in results.notes[0]
    assert results.searched


def test_exclusions_alone_or_stop_words_alone_say_what_to_do(member):
    for text in ("-handover", "the and of"):
        results = search(user=member, text=text)
        assert not results.searched
        assert "Nothing to search for" in results.notes[0]


def test_no_results_with_a_filter_suggests_removing_it(client, member):
    client.force_login(member)
    page = client.get(reverse("search:search"), {"q": "handover", "only": "lesson"})
    body = page.content.decode()
    assert "0 results" in body
    assert "Try removing a filter" in body
    assert "Search without “Show”" in body


def test_fts5_query_quotes_every_term():
    assert fts5_match(parse('NEAR(a b) title:x "c d" -e or f*')) == (
        '(("near a" AND "b" AND "title x" AND "c d") NOT "e") OR ("f")'
    )


# --- highlighting never makes markup ------------------------------------------------------------

XSS = [
    "<script>alert('zqxss')</script>",
    "<img src=x onerror=alert('zqxss')>",
    "\x02<b>zqxss</b>\x03",
    "zqxss \x02 unbalanced",
    "&lt;script&gt;zqxss",
    '"><svg onload=alert(1)> zqxss',
]


@pytest.mark.parametrize("payload", XSS)
def test_snippets_and_titles_escape_stored_text(client, payload):
    circle = CircleFactory()
    member = MembershipFactory(circle=circle).member
    log = ActionLogFactory(circle=circle, title=f"{payload} title", situation=f"Body {payload}")
    ResponseFactory(log=log, body=f"Reply {payload}")
    LessonFactory(title=f"{payload} lesson", insight=f"Insight {payload}")
    client.force_login(member)
    body = client.get(reverse("search:search"), {"q": "zqxss"}).content.decode()
    results = body[body.index("<main") : body.index("</main>")]
    for tag in ("<script", "<img", "<svg", "<b>"):
        assert tag not in results
    assert results.count("<mark>") == results.count("</mark>")
    # PostgreSQL's parser skips what sits inside a <script> element; the rest is found.
    assert results.count("<mark>") >= (0 if "<script>" in payload else 3)


# --- a fixed number of queries ------------------------------------------------------------------


def _corpus(circle, n):
    for i in range(n):
        log = ActionLogFactory(circle=circle, title=f"Handover {i}")
        ResponseFactory(log=log, body=f"Handover question {i}")
        LessonFactory(source_log=log, title=f"Handover lesson {i}")


def _queries(user, page=1):
    with CaptureQueriesContext(connection) as captured:
        results = search(user=user, text="handover", page=page)
    return len(captured), results


def test_a_search_costs_the_same_queries_for_few_hits_and_many(member):
    circle = member.memberships.get().circle

    def kinds(results):
        return len({hit.kind for hit in results.hits})

    few, results = _queries(member)
    assert results.count == 1 and kinds(results) == 1
    _corpus(circle, 1)
    one_each, results = _queries(member)
    assert kinds(results) == 3
    _corpus(circle, 30)
    many, results = _queries(member)
    assert results.count > 60 and len(results.hits) == 20
    # Her circles, the ranked page with its count (and, on PostgreSQL, its snippets), the
    # snippets on SQLite, and one query for each kind of row on the page: nothing more
    # for more hits.
    assert one_each == few + 2 <= 6
    assert many == few + kinds(results) - 1


def test_the_search_page_costs_the_same_queries_for_few_hits_and_many(
    client, member, django_assert_max_num_queries
):
    circle = member.memberships.get().circle
    ActionLogFactory(circle=circle, title="Handover again")
    client.force_login(member)
    url = reverse("search:search")
    query = {"q": "handover", "only": "log"}
    client.get(url, query)
    with CaptureQueriesContext(connection) as few:
        client.get(url, query)
    _corpus(circle, 30)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        page = client.get(url, query)
    body = page.content.decode()
    assert "32 results" in body
    assert body.count('class="card search-hit"') == 20
    assert len(many) == len(few)


def _statements(user, text):
    """The SQL and parameters of every query a search runs."""
    seen = []

    def record(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        results = search(user=user, text=text)
    return results, seen


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def test_snippets_are_computed_for_one_page_of_documents_only(member):
    """Highlighting a document is the costliest part of a search (``ts_headline`` reads
    its whole text): it is done for the page shown, never for every match."""
    from search.selectors import PER_PAGE

    circle = member.memberships.get().circle
    for i in range(2 * PER_PAGE + 5):
        ActionLogFactory(circle=circle, title=f"Zqsnippet {i}", situation="zqsnippet " * 50)
    results, statements = _statements(member, "zqsnippet")
    assert results.count == 2 * PER_PAGE + 5
    assert len(results.hits) == PER_PAGE
    assert all("<mark>" in hit.snippet for hit in results.hits)
    marking = "ts_headline(" if connection.vendor == "postgresql" else "snippet("
    marked = [(sql, params) for sql, params in statements if marking in sql]
    assert marked, "no query computed the snippets"
    with connection.cursor() as cursor:
        for sql, params in marked:
            if connection.vendor == "postgresql":
                # Each plan node that computes ts_headline (an output that is not merely
                # passed up from below, in parentheses) runs it for one page of rows.
                cursor.execute(f"EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0][0]["Plan"]
                computing = [
                    node
                    for node in _nodes(plan)
                    if any(out.startswith("ts_headline(") for out in node.get("Output", ()))
                ]
                assert computing
                for node in computing:
                    assert node["Actual Rows"] * node["Actual Loops"] <= PER_PAGE
            else:
                # SQLite computes every row a query reads before any LIMIT: the snippets'
                # query reads the page's documents and nothing else.
                assert "LIMIT" not in sql.upper()
                cursor.execute(sql, params)
                assert len(cursor.fetchall()) <= PER_PAGE


def test_the_search_box_has_focus_until_something_is_searched(client, member):
    """The header's search icon opens the page ready to type (one tap on a phone); after
    a search, focus is left for the results."""
    client.force_login(member)
    empty = client.get(reverse("search:search")).content.decode()
    assert re.search(r'<input type="search" name="q" id="id_q"[^>]* autofocus>', empty)
    searched = client.get(reverse("search:search"), {"q": "handover"}).content.decode()
    assert 'id="id_q"' in searched and "autofocus" not in searched
