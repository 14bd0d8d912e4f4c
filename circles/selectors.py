"""Reads that pages and emails need, shaped so templates run no queries."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from taggit.models import Tag, TaggedItem

from circles.extensions import lessons_related, open_reports, with_next_meeting
from circles.models import (
    RESPONSE_KIND_ORDER,
    ActionLog,
    Circle,
    Invite,
    JoinPolicy,
    LogState,
    Membership,
    MembershipState,
    Response,
    ResponseKind,
)
from circles.permissions import (
    CircleAccess,
    can_view_log,
    circle_access,
)
from members.local_time import member_today
from members.selectors import roles_of

# --- directory and circle pages ------------------------------------------------------------


def _with_counts(qs: QuerySet[Circle], *, user=None) -> QuerySet[Circle]:
    """Roles and tags prefetched, ``active_count`` annotated and, for a signed-in user,
    ``my_state`` (their membership state, or None)."""
    active = (
        Membership.objects.filter(circle=OuterRef("pk"), state=MembershipState.ACTIVE)
        .order_by()
        .values("circle")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = qs.annotate(active_count=Coalesce(Subquery(active), 0)).prefetch_related("roles", "tags")
    if user is not None and user.is_authenticated:
        mine = Membership.objects.filter(circle=OuterRef("pk"), member=user).values("state")[:1]
        qs = qs.annotate(my_state=Subquery(mine))
    return qs


def circles_directory(*, role=None, tag=None, q=None, user=None) -> QuerySet[Circle]:
    """Active circles for the directory; ``role`` and ``tag`` are slugs, ``q`` searches
    names. Never touches logs."""
    qs = Circle.objects.active()
    if role:
        qs = qs.filter(roles__slug=role)
    if tag:
        qs = qs.filter(tags__slug=tag)
    if q:
        qs = qs.filter(name__icontains=q)
    return _with_counts(qs, user=user).order_by("name", "pk")


def circle_tags_in_use() -> list[Tag]:
    """Tags of active circles, for the directory filter."""
    circle_ids = Circle.objects.active().values("pk")
    return list(
        Tag.objects.filter(
            taggit_taggeditem_items__content_type__model="circle",
            taggit_taggeditem_items__content_type__app_label="circles",
            taggit_taggeditem_items__object_id__in=circle_ids,
        )
        .distinct()
        .order_by("name")
    )


def circles_for_roles(*, user) -> QuerySet[Circle]:
    """Active circles serving any of the user's roles that they have not joined yet
    (the dashboard's "circles for your roles"): those she can join straight away first,
    then those that ask a question, then invite-only ones; by name within each."""
    if not user.is_authenticated or not hasattr(user, "profile"):
        return Circle.objects.none()
    serving = Circle.roles.through.objects.filter(role__in=user.profile.roles.all()).values(
        "circle_id"
    )
    joined = Membership.objects.circles_of(user)
    qs = Circle.objects.active().filter(pk__in=serving).exclude(pk__in=joined)
    openness = Case(
        When(join_policy=JoinPolicy.OPEN, then=Value(0)),
        When(join_policy=JoinPolicy.REQUEST, then=Value(1)),
        default=Value(2),
    )
    return _with_counts(qs, user=user).order_by(openness, "name", "pk")


def circle_public(*, slug: str, user=None) -> Circle | None:
    """One circle for its page, with roles, tags, counts and its facilitators
    (``facilitator_memberships``, profiles loaded) and, for a signed-in user, her own
    membership (``viewer_memberships``: a list of none or one) — never its logs."""
    facilitators = Prefetch(
        "memberships",
        queryset=Membership.objects.facilitators()
        .select_related("member__profile")
        .order_by("joined_at", "pk"),
        to_attr="facilitator_memberships",
    )
    qs = _with_counts(Circle.objects.filter(slug=slug), user=user).prefetch_related(facilitators)
    if user is not None and user.is_authenticated:
        # The reader's own membership, for ``circle_access`` (``viewer_memberships``).
        qs = qs.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(member=user),
                to_attr="viewer_memberships",
            )
        )
    return qs.first()


def circle_pending_requests(*, circle: Circle) -> QuerySet[Membership]:
    """Requests waiting for a facilitator, oldest first, with the people's profiles."""
    return (
        Membership.objects.pending()
        .filter(circle=circle)
        .select_related("member__profile")
        .order_by("created_at", "pk")
    )


def queue_counts(*, circle: Circle) -> dict[str, int]:
    """What waits for the circle's facilitators: open reports and requests to join."""
    return {
        "reports": open_reports().filter(circle=circle).count(),
        "requests": circle_pending_requests(circle=circle).count(),
    }


def circle_invites(*, circle: Circle) -> QuerySet[Invite]:
    return Invite.objects.filter(circle=circle).select_related("created_by__profile")


# --- feed, log page, dashboard, my logs ----------------------------------------------------


FEED_PAGE_SIZE = 20


def tags_attach(logs: list[ActionLog]) -> list[ActionLog]:
    """Load the tags of these logs in one query and put them where ``log.tags.all``
    finds them. (``prefetch_related("tags")`` builds one filtered queryset per log
    before throwing it away: most of the time of a page of cards.)"""
    by_log: dict[int, list[Tag]] = {log.pk: [] for log in logs}
    if by_log:
        items = (
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(ActionLog), object_id__in=by_log
            )
            .select_related("tag")
            .order_by("pk")
        )
        for item in items:
            by_log[item.object_id].append(item.tag)
    for log in logs:
        tags = Tag.objects.all()
        tags._result_cache = by_log[log.pk]
        tags._prefetch_done = True
        log._prefetched_objects_cache = {
            **getattr(log, "_prefetched_objects_cache", {}),
            "tags": tags,
        }
    return logs


def _count_of(responses: QuerySet[Response]) -> Coalesce:
    per_log = responses.filter(log=OuterRef("pk")).order_by().values("log").annotate(n=Count("pk"))
    return Coalesce(Subquery(per_log.values("n")), 0)


def response_counts() -> dict:
    """A log's ``response_count`` and ``reply_count`` as annotations, counted as everywhere
    else (``ResponseQuerySet.counted`` and ``replies_counted``)."""
    return {
        "response_count": _count_of(Response.objects.counted()),
        "reply_count": _count_of(Response.objects.replies_counted()),
    }


def logs_for_lists(qs: QuerySet[ActionLog], *, awaiting: bool | None = None) -> QuerySet[ActionLog]:
    """Logs shaped for a card: circle, author and profile joined, ``response_count`` and
    ``reply_count`` (``response_counts``), ``awaiting_response`` (no one but the author
    has answered yet: ``Response.objects.answering``; given as ``awaiting`` when the filter
    already decided it) and ``author_in_circle`` (she is still an active member there)
    annotated. Evaluate it through ``tags_attach`` (one query for every card's tags)."""
    unanswered = ~Exists(Response.objects.answering().filter(log=OuterRef("pk")))
    in_circle = Membership.objects.filter(
        circle=OuterRef("circle_id"), member=OuterRef("author_id"), state=MembershipState.ACTIVE
    )
    return qs.select_related("circle", "author__profile").annotate(
        **response_counts(),
        awaiting_response=unanswered if awaiting is None else Value(awaiting),
        # Whether the author's name links to her profile (``circles.people.PeopleShown``).
        author_in_circle=Exists(in_circle),
    )


CARD_FIELDS = (
    "id", "circle_id", "author_id", "title", "state", "situation_excerpt", "created_at",
    "published_at", "edited_at", "pinned_at", "locked_at", "is_hidden",
    "circle__id", "circle__name", "circle__slug", "circle__status",
    "author__id", "author__email", "author__profile__id", "author__profile__display_name",
    "author__profile__time_zone",
)  # fmt: skip


def circle_feed_tags(*, circle: Circle) -> list[Tag]:
    """Tags of the circle's published logs that are not hidden (the feed's filter)."""
    logs = ActionLog.objects.filter(
        circle=circle, state=LogState.PUBLISHED, is_hidden=False
    ).values("pk")
    return list(
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(ActionLog),
            taggit_taggeditem_items__object_id__in=logs,
        )
        .distinct()
        .order_by("name")
    )


@dataclass
class FeedPage:
    """A page of the feed, found without counting the feed: one row more than a page
    says whether there is a next one."""

    number: int
    object_list: list
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


# Far past any circle's last page; a larger number (one the database cannot even offset
# by) is treated like any page past the end: the first page is shown.
FEED_MAX_PAGE = 100_000


def _page_number(page) -> int:
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= FEED_MAX_PAGE else 1


def circle_page(*, circle: Circle, user, tag: str | None = None, page=1) -> dict:
    """The circle page for ``user``: her membership and what it lets her see — the
    requests waiting and the queue's counts for a moderator, the feed (``circle_feed``) for
    a reader. ``circle`` comes from ``circle_public`` (its counts, facilitators and her
    membership loaded)."""
    mine = getattr(circle, "viewer_memberships", [])
    access = circle_access(user, circle, membership=mine[0] if mine else None)
    membership = access.membership
    context = {
        "circle": circle,
        "membership": membership,
        "is_member": membership is not None and membership.is_active,
        "is_moderator": access.can_moderate,
        "is_full": circle.active_count >= circle.capacity,
        "facilitators": [m.member for m in circle.facilitator_memberships],
    }
    if access.can_moderate:
        context["pending_requests"] = list(circle_pending_requests(circle=circle))
        context["counts"] = queue_counts(circle=circle)
    if access.can_read:  # the member feed (the logs part): active members and staff
        context["show_feed"] = True
        feed = circle_feed(circle=circle, user=user, tag=tag or None, page=page, access=access)
        context.update(feed)
    return context


def circle_feed(
    *, circle: Circle, user, tag: str | None = None, page=1, access: CircleAccess | None = None
) -> dict:
    """The circle's feed for a member: published logs they can see, pinned first then
    newest, 20 a page, optionally only one tag (a slug). Keys (for ``circles/_feed.html``):
    ``feed_page`` (a FeedPage), ``feed_logs`` (its logs, shaped by ``logs_for_lists``),
    ``feed_tags`` (tags to filter by), ``feed_tag`` (the chosen tag slug or ""),
    ``can_post`` (may write a log here). ``access`` (the reader's, when the page has it)
    saves reading her membership again."""
    access = access or circle_access(user, circle)
    readable = ActionLog.objects.readable_in(access)
    if tag:
        readable = readable.filter(tags__slug=tag)
    order = (F("pinned_at").desc(nulls_last=True), "-published_at", "-pk")
    readable = readable.order_by(*order).values("pk")

    def page_of(start: int) -> list[ActionLog]:
        # The page's logs are picked on the circle's index first; only they are then
        # joined to their authors and counted (else the whole circle is, before sorting).
        ids = readable[start : start + FEED_PAGE_SIZE + 1]
        shaped = logs_for_lists(ActionLog.objects.filter(pk__in=Subquery(ids)))
        return list(shaped.only(*CARD_FIELDS).order_by(*order))

    number = _page_number(page)
    logs = page_of((number - 1) * FEED_PAGE_SIZE)
    if not logs and number > 1:  # past the last page: show the first
        number, logs = 1, page_of(0)
    tags_attach(logs[:FEED_PAGE_SIZE])
    feed_page = FeedPage(
        number=number, object_list=logs[:FEED_PAGE_SIZE], has_next=len(logs) > FEED_PAGE_SIZE
    )
    return {
        "feed_page": feed_page,
        "feed_logs": feed_page.object_list,
        "feed_tags": circle_feed_tags(circle=circle) if access.can_read else [],
        "feed_tag": tag or "",
        "can_post": access.can_post,
    }


def log_for_page(*, user, slug: str, pk: int) -> ActionLog | None:
    """The log at ``/circles/<slug>/logs/<pk>/`` if this user may see it (else None),
    with ``log.access``: the reader's ``CircleAccess`` to its circle, read once for the
    page's every check."""
    if not user.is_authenticated:
        return None
    log = (
        ActionLog.objects.filter(pk=pk, circle__slug=slug)
        .select_related("circle", "author__profile", "follows__circle", "follows__author__profile")
        .first()
    )
    if log is None:
        return None
    access = circle_access(user, log.circle)
    if not access.can_view_log(log):
        return None
    prefetch_related_objects([log], "tags")
    log.access = access
    return log


def _kind_order():
    return Case(
        *[When(kind=kind, then=Value(i)) for kind, i in RESPONSE_KIND_ORDER.items()],
        default=Value(len(RESPONSE_KIND_ORDER)),
        output_field=IntegerField(),
    )


def log_responses(*, log: ActionLog, user, access: CircleAccess | None = None) -> list[Response]:
    """The responses to a log this user may see: questions first, then reflections,
    resources and suggestions, each oldest first. Each carries ``visible_replies`` (its
    replies this user may see, oldest first) and ``answered`` (a question the log's author
    has replied to). With ``access`` (the reader's to the log's circle, and a log she may
    see) a plain filter on the log."""
    qs = (
        Response.objects.readable_on(log, access)
        if access is not None
        else Response.objects.visible_to(user).filter(log=log)
    )
    rows = list(
        qs.select_related("author__profile")
        .annotate(kind_order=_kind_order())
        .order_by("kind_order", "created_at", "pk")
    )
    responses = [r for r in rows if r.parent_id is None]
    by_pk = {r.pk: r for r in responses}
    for response in responses:
        response.visible_replies = []
    for reply in rows:
        if reply.parent_id in by_pk:
            by_pk[reply.parent_id].visible_replies.append(reply)
    for response in responses:
        response.answered = response.kind == ResponseKind.QUESTION and any(
            reply.author_id == log.author_id and not reply.is_hidden
            for reply in response.visible_replies
        )
    return responses


def log_page(*, log: ActionLog, user) -> dict:
    """Everything a log's page shows. ``log`` should come from ``log_for_page``.
    Keys: ``log``, ``responses``, ``response_counts`` (list of (kind, label, count) in
    kind order), ``response_count`` and ``reply_count`` (counted as on every list:
    ``ResponseQuerySet.counted``), ``earlier`` (the log it follows, if this user may see
    it), ``later`` (its follow-ups this user may see), ``is_author``, ``can_respond``,
    ``can_reply`` (may reply to the responses that take replies), ``can_moderate``."""
    access = getattr(log, "access", None) or circle_access(user, log.circle)
    responses = log_responses(log=log, user=user, access=access)
    counts = {kind: 0 for kind in ResponseKind.values}
    replies = 0
    for response in responses:
        if response.is_counted:
            counts[response.kind] += 1
            replies += sum(not reply.is_hidden for reply in response.visible_replies)
    earlier = None
    if log.follows_id is not None and (
        log.follows.author_id == user.pk or can_view_log(user, log.follows)
    ):
        earlier = log.follows
    later = list(
        ActionLog.objects.visible_to(user)
        .filter(follows=log)
        .select_related("circle")
        .order_by("created_at", "pk")
    )
    return {
        "log": log,
        "responses": responses,
        "response_counts": [(kind, label, counts[kind]) for kind, label in ResponseKind.choices],
        "response_count": sum(counts.values()),
        "reply_count": replies,
        "earlier": earlier,
        "later": later,
        "is_author": log.author_id == user.pk,
        "can_respond": access.can_respond(log),
        "can_reply": access.log_takes_writing(log),
        "can_moderate": access.can_moderate,
    }


def lessons_related_to(log: ActionLog, *, reader) -> list:
    """Up to three commons lessons from other circles related to the log's title, insight,
    situation and tags (loaded): one query (``circles.extensions.lessons_related``)."""
    text = " ".join((log.title, log.insight, log.situation))
    tags = [tag.name for tag in log.tags.all()]
    return lessons_related(
        text=text, tags=tags, reader_id=reader.pk, circle_id=log.circle_id, limit=3
    )


def lessons_related_to_form(form, *, reader, circle: Circle) -> list:
    """``lessons_related_to`` for the text being written in ``circle`` (the log form's
    current values)."""
    values = {name: str(form[name].value() or "") for name in ("title", "insight", "situation")}
    tags = str(form["tags"].value() or "").replace(",", " ").split()
    text = " ".join(values.values())
    return lessons_related(text=text, tags=tags, reader_id=reader.pk, circle_id=circle.pk, limit=3)


DASHBOARD_LIST_SIZE = 10


def _waiting_in(circle_ids: list[int], *, user) -> list[ActionLog]:
    """The oldest published logs of these circles that no peer has answered yet, not
    ``user``'s, shaped for cards. Each circle's oldest are picked on its own index (one
    subquery a circle: not a scan of every circle's logs by date), then only those are
    joined and counted; waiting for a response is what picked them."""

    def oldest_waiting(circle_id: int):
        return (
            ActionLog.objects.published()
            .filter(circle_id=circle_id, is_hidden=False, locked_at__isnull=True)
            .exclude(author=user)
            .unanswered()
            .order_by("published_at", "pk")
            .values("pk")[:DASHBOARD_LIST_SIZE]
        )

    picked = reduce(or_, [Q(pk__in=Subquery(oldest_waiting(pk))) for pk in circle_ids])
    # Up to that many a circle, on the circles' index, sorted here: ordered and cut in
    # SQL, the planner walks every circle's logs by date instead.
    candidates = ActionLog.objects.published().filter(circle_id__in=circle_ids, is_hidden=False)
    shaped = logs_for_lists(candidates.filter(picked), awaiting=True).only(*CARD_FIELDS)
    logs = sorted(shaped.order_by(), key=lambda log: (log.published_at, log.pk))
    return logs[:DASHBOARD_LIST_SIZE]


def dashboard_for(*, user) -> dict:
    """Everything the dashboard shows, already shaped so the template runs no query:
    ``my_circles``; ``waiting`` (published logs in my circles that no peer has answered
    yet, oldest first, not mine); ``commitments`` (my open commitments:
    ``ActionLog.objects.open_commitments``, soonest first); ``drafts``; ``circles_for_roles``."""
    my_circles = list(with_next_meeting(Circle.objects.of_member(user).order_by("name", "pk")))
    mine = [c.pk for c in my_circles]
    # Published, not hidden logs of circles she is an active member of: the rule of
    # ``visible_to`` for those circles, as a plain filter on them.
    waiting = tags_attach(_waiting_in(mine, user=user)) if mine else []
    commitments = list(
        ActionLog.objects.open_commitments()
        .filter(author=user)
        .select_related("circle")
        .order_by("next_step_due", "pk")[:DASHBOARD_LIST_SIZE]
    )
    drafts = tags_attach(
        list(
            logs_for_lists(
                ActionLog.objects.filter(author=user, state=LogState.DRAFT).order_by(
                    "-updated_at", "-pk"
                )
            )
        )
    )
    return {
        "my_roles": list(roles_of(user=user)),
        "my_circles": my_circles,
        "waiting": waiting,
        "commitments": commitments,
        "today": member_today(user),
        "drafts": drafts,
        "circles_for_roles": list(circles_for_roles(user=user)[:DASHBOARD_LIST_SIZE]),
        "next_meeting": min(
            (c for c in my_circles if c.next_meeting_id),
            key=lambda c: (c.next_meeting_starts_at, c.next_meeting_id),
            default=None,
        ),
    }


def my_logs(*, user) -> list[list[ActionLog]]:
    """A member's own logs across circles (drafts included) as chains of cycles: each
    chain starts at a log that follows none of theirs and runs through its follow-ups in
    order. Chains with the latest activity come first."""
    logs = tags_attach(
        list(logs_for_lists(ActionLog.objects.filter(author=user)).order_by("created_at", "pk"))
    )
    by_pk = {log.pk: log for log in logs}
    children: dict[int, list[ActionLog]] = {}
    roots = []
    for log in logs:
        if log.follows_id in by_pk and log.follows_id != log.pk:
            children.setdefault(log.follows_id, []).append(log)
        else:
            roots.append(log)
    chains = []
    for root in roots:
        chain, stack, seen = [], [root], set()
        while stack:
            log = stack.pop(0)
            if log.pk in seen:
                continue
            seen.add(log.pk)
            chain.append(log)
            stack = children.get(log.pk, []) + stack
        chains.append(chain)
    chains.sort(key=lambda chain: max(log.updated_at for log in chain), reverse=True)
    return chains
