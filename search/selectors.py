"""The one search over everything a member may see: her circles' logs, responses and
replies (``ActionLog.objects.visible_to``, ``Response.objects.visible_to``) and the
commons' lessons (``Lesson.objects.listed``). The documents are filtered by those rules at
query time; nothing here restates them.

A search costs the same few queries whatever it finds: her circles, one page of ranked
documents with their count (and, on PostgreSQL, their snippets), the snippets on SQLite,
and the page's logs, responses and lessons. The database reads the documents of her
circles and the commons that match (``SearchDocument.circle_id``, a hint), asks the rules
about each of those alone, and highlights only the page shown.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.lookups import IsNull
from django.utils.safestring import SafeString

from circles.models import ActionLog, Circle, Membership, Response
from commons.models import Lesson
from members.models import Role
from search.backends import backend
from search.highlight import marked_html, snippet_html
from search.models import DocumentKind, SearchDocument
from search.query import QUERY_MAX_CHARS, parse

PER_PAGE = 20


@dataclass(frozen=True)
class Filters:
    circle: Circle | None = None
    tag: str = ""
    role: Role | None = None
    # A response kind ("question", …) or "reply": only responses of that kind.
    response_kind: str = ""
    # "log", "response" or "lesson": only that kind of result.
    only: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class Hit:
    kind: str
    item: object
    title: SafeString
    snippet: SafeString


@dataclass
class Results:
    query: str
    searched: bool = False
    count: int = 0
    page: Page | None = None
    hits: list[Hit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _dated(qs: QuerySet, name: str, filters: Filters) -> QuerySet:
    if filters.date_from:
        qs = qs.filter(**{f"{name}__date__gte": filters.date_from})
    if filters.date_to:
        qs = qs.filter(**{f"{name}__date__lte": filters.date_to})
    return qs


def _her_circles(user) -> list[int] | None:
    """The circles whose documents can hold what she may see (None for staff, who may read
    every circle's): those she is an active member of, and those she wrote a log in (her
    own logs stay hers after she leaves a circle). Only a hint, ANDed with the rules: it
    lets the database read her circles' documents by index instead of every match in the
    school, and can never show more than the rules do."""
    if user.is_staff:
        return None
    wrote_in = ActionLog.objects.filter(author=user)
    return list(
        Membership.objects.circles_of(user)
        .order_by()
        .values_list("circle_id", flat=True)
        .union(wrote_in.order_by().values_list("circle_id", flat=True))
    )


def _logs(user, filters: Filters) -> QuerySet | None:
    if filters.response_kind or filters.only not in ("", DocumentKind.LOG):
        return None
    return _by_log(ActionLog.objects.visible_to(user), filters)


def _responses(user, filters: Filters) -> QuerySet | None:
    if filters.only not in ("", DocumentKind.RESPONSE):
        return None
    qs = Response.objects.visible_to(user)
    if filters.response_kind:
        qs = qs.filter(kind=filters.response_kind)
    return _by_log(qs, filters, to_log="log__")


def _by_log(qs: QuerySet, filters: Filters, *, to_log: str = "") -> QuerySet:
    """The circle, tag and role filters, on the log each row is or (through the lookup
    path ``to_log``) belongs to, and the date filters on the row's own ``created_at``."""
    if filters.circle is not None:
        qs = qs.filter(**{f"{to_log}circle": filters.circle})
    if filters.tag:
        qs = qs.filter(**{f"{to_log}tags__name": filters.tag})
    if filters.role is not None:
        qs = qs.filter(**{f"{to_log}circle__roles": filters.role})
    return _dated(qs, "created_at", filters)


def _lessons(filters: Filters) -> QuerySet | None:
    # A lesson never says which circle it came from, so a circle filter leaves lessons out.
    if filters.circle is not None or filters.response_kind:
        return None
    if filters.only not in ("", DocumentKind.LESSON):
        return None
    qs = Lesson.objects.listed()
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.role is not None:
        qs = qs.filter(role=filters.role)
    return _dated(qs, "shared_at", filters)


def _among(rows: QuerySet) -> Q:
    """Whether a document's row is one of ``rows``, asked of each matching document by its
    primary key. A scalar subquery: PostgreSQL turns ``IN`` and ``EXISTS`` under an ``OR``
    into a hash of every row ``rows`` holds (all she may read) when it misjudges how many
    documents match; this costs a few index probes per match, whatever the school's size."""
    row = rows.order_by().filter(pk=OuterRef("object_id")).values("pk")[:1]
    return Q(IsNull(Subquery(row), False))


def documents_visible_to(user, filters: Filters) -> QuerySet:
    """The documents of the rows ``user`` may see that pass ``filters``."""
    circles = _her_circles(user)
    if filters.circle is not None:
        wanted = filters.circle.pk
        circles = [wanted] if circles is None or wanted in circles else []
    lessons = _lessons(filters)
    shown = Q(pk__in=[])
    for kind, rows, circle in (
        (DocumentKind.LOG, _logs(user, filters), "circle_id__in"),
        (DocumentKind.RESPONSE, _responses(user, filters), "log__circle_id__in"),
        (DocumentKind.LESSON, lessons, None),
    ):
        if rows is None:
            continue
        if circles is None or filters.tag:
            # Read as one set: staff may read nearly every row (a set is cheaper than a
            # probe for each of the school's matches), and the rows with a tag are few
            # (asked of each document, the tags' generic relation is read by tag: its index
            # on the tagged row's id cannot serve a bigint key).
            if circles is not None and circle is not None:
                rows = rows.filter(**{circle: circles})
            shown |= Q(kind=kind, object_id__in=rows.values("pk"))
        else:
            shown |= Q(kind=kind) & _among(rows)
    if circles is None:
        return SearchDocument.objects.filter(shown)
    hint = Q(circle_id__in=circles)
    if lessons is not None:
        hint |= Q(kind=DocumentKind.LESSON)
    return SearchDocument.objects.filter(hint, shown)


# What the results template shows of each kind of row, and no more: the text fields
# (and their HTML) are most of a log's or a lesson's row.
_LOADERS = {
    DocumentKind.LOG: lambda ids: (
        ActionLog.objects.filter(pk__in=ids)
        .select_related("circle", "author__profile")
        .only(
            "title",
            "state",
            "created_at",
            "circle__name",
            "circle__slug",
            "author__email",
            "author__profile__display_name",
        )
    ),
    DocumentKind.RESPONSE: lambda ids: (
        Response.objects.filter(pk__in=ids)
        .select_related("log__circle", "author__profile")
        .only(
            "kind",
            "created_at",
            "log__title",
            "log__circle__name",
            "log__circle__slug",
            "author__email",
            "author__profile__display_name",
        )
    ),
    DocumentKind.LESSON: lambda ids: (
        Lesson.objects.filter(pk__in=ids)
        .select_related("role", "author__profile")
        .only(
            "title",
            "credit",
            "region",
            "shared_at",
            "role__name",
            "author__email",
            "author__profile__display_name",
        )
    ),
}


def _items(rows: list[dict]) -> dict[tuple[str, int], object]:
    """The page's rows, each kind in one query, shaped for the results template."""
    ids_by_kind: dict[str, list[int]] = {}
    for row in rows:
        ids_by_kind.setdefault(row["kind"], []).append(row["object_id"])
    return {
        (kind, item.pk): item
        for kind, ids in ids_by_kind.items()
        for item in _LOADERS[kind](ids).order_by()
    }


def _marks(rows: list[dict], text: str, parsed) -> dict[int, tuple[str, str]]:
    """Each page document's title and snippet with the matches marked: read with the page
    where the backend computes them there (for the page's rows only), else in one query
    over the page's documents."""
    if backend().MARKED_WITH_RANK:
        return {row["id"]: (row["title_marked"], row["body_marked"]) for row in rows}
    documents = SearchDocument.objects.filter(pk__in=[row["id"] for row in rows])
    marked = (
        backend().marked(documents, text, parsed).values_list("pk", "title_marked", "body_marked")
    )
    return {pk: (title, body) for pk, title, body in marked}


def _hits(rows: list[dict], text: str, parsed) -> list[Hit]:
    if not rows:
        return []
    marks = _marks(rows, text, parsed)
    items = _items(rows)
    hits = []
    for row in rows:
        item = items.get((row["kind"], row["object_id"]))
        title, body = marks.get(row["id"], (None, None))
        if item is None or body is None:  # deleted since the page was counted
            continue
        hits.append(Hit(row["kind"], item, marked_html(title), snippet_html(body)))
    return hits


def _page_number(page: int | str) -> int:
    """The page asked for, as ``Paginator.get_page`` reads it: 1 when it is not a number,
    0 when it is out of range below (the last page is shown, once the count is known)."""
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    return max(number, 0)


def _ranked_page(documents: QuerySet, text: str, parsed, page: int | str):
    """One page of ranked documents and how many match, in one query: the count is a
    window over the matches the ranking reads anyway (and, where the backend can, the
    page's snippets, computed after the sort for its rows alone). A page past the end (or
    below 1) shows the last one, as ``Paginator.get_page`` does, for a query or two more."""
    fields = ["id", "kind", "object_id", "total"]
    ranked = documents.annotate(total=Window(Count("id")))
    if backend().MARKED_WITH_RANK:
        ranked = backend().marked(ranked, text, parsed)
        fields += ["title_marked", "body_marked"]
    ranked = ranked.order_by("-rank", "-id").values(*fields)

    def rows_of(number: int) -> list[dict]:
        start = (number - 1) * PER_PAGE
        return list(ranked[start : start + PER_PAGE])

    number = _page_number(page)
    rows = rows_of(max(number, 1))
    if rows:
        total = rows[0]["total"]
    elif number > 1:
        total = documents.count()
    else:
        total = 0
    paginator = Paginator(range(total), PER_PAGE)
    if not 1 <= number <= paginator.num_pages:
        last = paginator.num_pages
        if last != max(number, 1):
            rows = rows_of(last) if total else []
        number = last
    return rows, Page(rows, number, paginator)


def search(*, user, text: str, filters: Filters = Filters(), page: int | str = 1) -> Results:
    """Ranked results (title matches above body matches) of ``text`` for ``user``."""
    # A NUL byte cannot reach PostgreSQL: it would fail the query instead of finding nothing.
    text = " ".join((text or "").replace("\x00", " ").split())
    results = Results(query=text)
    if len(text) > QUERY_MAX_CHARS:
        text = text[:QUERY_MAX_CHARS]
        results.notes.append(
            f"Your search was long: only its first {QUERY_MAX_CHARS} characters were used."
        )
    parsed = parse(text)
    if not parsed.searchable:
        if text:
            results.notes.append(
                "Nothing to search for: add a word that is not excluded or too common "
                "(words such as “the” or “and” are left out)."
            )
        return results
    documents = backend().matching(documents_visible_to(user, filters), text, parsed)
    rows, results.page = _ranked_page(documents, text, parsed, page)
    results.count = results.page.paginator.count
    results.searched = True
    results.hits = _hits(rows, text, parsed)
    return results
