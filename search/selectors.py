"""The one search over everything a member may see: her circles' logs, responses and
replies (``ActionLog.objects.visible_to``, ``Response.objects.visible_to``) and the
commons' lessons (``Lesson.objects.listed``). The documents are filtered by those rules at
query time; nothing here restates them.

A search costs the same few queries whatever it finds: the count, one page of ranked
documents, their snippets, and the page's logs (with tags), responses and lessons.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString

from circles.models import ActionLog, Circle, Membership, MembershipState, Response
from commons.models import Lesson
from members.models import Role
from search.backends import backend
from search.highlight import marked_html
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
    """The circles whose logs she may read (None for staff, who may read every circle's).
    Only a hint for the database, ANDed with ``visible_to``: it lets PostgreSQL read her
    circles' rows by index instead of testing the rule on every row of the school, and can
    never show more than the rule does."""
    if user.is_staff:
        return None
    return list(
        Membership.objects.filter(member=user, state=MembershipState.ACTIVE).values_list(
            "circle_id", flat=True
        )
    )


def _logs(user, filters: Filters, circles: list[int] | None) -> QuerySet | None:
    if filters.response_kind or filters.only not in ("", DocumentKind.LOG):
        return None
    qs = ActionLog.objects.visible_to(user)
    if circles is not None:
        qs = qs.filter(Q(circle_id__in=circles) | Q(author=user))
    return _by_log(qs, filters)


def _responses(user, filters: Filters, circles: list[int] | None) -> QuerySet | None:
    if filters.only not in ("", DocumentKind.RESPONSE):
        return None
    qs = Response.objects.visible_to(user)
    if circles is not None:
        qs = qs.filter(log__circle_id__in=circles)
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


def documents_visible_to(user, filters: Filters) -> QuerySet:
    """The documents of the rows ``user`` may see that pass ``filters``."""
    where = Q(pk__in=[])
    circles = _her_circles(user)
    for kind, rows in (
        (DocumentKind.LOG, _logs(user, filters, circles)),
        (DocumentKind.RESPONSE, _responses(user, filters, circles)),
        (DocumentKind.LESSON, _lessons(filters)),
    ):
        if rows is not None:
            where |= Q(kind=kind, object_id__in=rows.values("pk"))
    return SearchDocument.objects.filter(where)


def _items(ids_by_kind: dict[str, list[int]]) -> dict[tuple[str, int], object]:
    """The page's rows, each kind in one query, shaped for the results template."""
    found: dict[tuple[str, int], object] = {}
    loaders = {
        DocumentKind.LOG: lambda ids: (
            ActionLog.objects.filter(pk__in=ids)
            .select_related("circle", "author__profile")
            .prefetch_related("tags")
        ),
        DocumentKind.RESPONSE: lambda ids: Response.objects.filter(pk__in=ids).select_related(
            "log__circle", "author__profile"
        ),
        DocumentKind.LESSON: lambda ids: (
            Lesson.objects.filter(pk__in=ids)
            .select_related("role", "author__profile")
            .prefetch_related("tags")
        ),
    }
    for kind, ids in ids_by_kind.items():
        if ids:
            found.update(((kind, item.pk), item) for item in loaders[kind](ids))
    return found


def _hits(rows: list[dict], text: str, parsed) -> list[Hit]:
    if not rows:
        return []
    ids_by_kind: dict[str, list[int]] = {kind: [] for kind in DocumentKind.values}
    for row in rows:
        ids_by_kind[row["kind"]].append(row["object_id"])
    marked = {
        doc.pk: doc
        for doc in backend()
        .marked(SearchDocument.objects.filter(pk__in=[r["id"] for r in rows]), text, parsed)
        .only("pk")
    }
    items = _items(ids_by_kind)
    hits = []
    for row in rows:
        item = items.get((row["kind"], row["object_id"]))
        doc = marked.get(row["id"])
        if item is None or doc is None:  # deleted since the page was counted
            continue
        hits.append(
            Hit(row["kind"], item, marked_html(doc.title_marked), marked_html(doc.body_marked))
        )
    return hits


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
    ranked = documents.order_by("-rank", "-id").values("id", "kind", "object_id")
    paginator = Paginator(ranked, PER_PAGE)
    results.page = paginator.get_page(page)
    results.count = paginator.count
    results.searched = True
    results.hits = _hits(list(results.page.object_list), text, parsed)
    return results
