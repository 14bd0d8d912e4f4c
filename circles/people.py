"""Reads about people in circles: the people page, profiles, and which names on a page
link to a profile. Shaped so templates run no queries."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, Max, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Left, Lower, NullIf, StrIndex
from django.utils import timezone
from django.utils.functional import cached_property

from circles.models import (
    ActionLog,
    Circle,
    LogState,
    Membership,
    MembershipKind,
    MembershipState,
    Response,
)
from circles.permissions import people_visible_to
from members.models import Profile, Role
from school.limits import model_limit

NEW_FOR = dt.timedelta(days=14)
WEEK = dt.timedelta(days=7)
MONTH = dt.timedelta(days=30)
PROFILE_LOGS = 20
PEOPLE_PER_PAGE = 50


@dataclass(frozen=True)
class PeopleShown:
    """Whose names on a page link to their profiles: the active members of the page's
    circles (``members``: circle id → member ids). A name in a circle's card or response
    links when its writer is an active member of that circle: then everyone who may read
    it shares that circle with her."""

    members: dict[int, frozenset[int]] = field(default_factory=dict)

    def links(self, person_id: int, circle_id: int | None = None) -> bool:
        if circle_id is not None:
            return person_id in self.members.get(circle_id, ())
        return any(person_id in ids for ids in self.members.values())


def people_shown(*, circle_ids) -> PeopleShown:
    """One query: the active members of these circles."""
    members: dict[int, set[int]] = {pk: set() for pk in circle_ids}
    if members:
        rows = Membership.objects.filter(
            circle_id__in=list(members), state=MembershipState.ACTIVE
        ).values_list("circle_id", "member_id")
        for circle_id, member_id in rows:
            members[circle_id].add(member_id)
    return PeopleShown(members={pk: frozenset(ids) for pk, ids in members.items()})


def _last_active(
    *, circle: Circle, member_ids: list[int], since: dt.datetime
) -> dict[int, dt.datetime]:
    """When each of ``member_ids`` last published a log or wrote a response in the circle
    (since ``since``): one grouped query (the union of two), none without members."""
    if not member_ids:
        return {}
    logs = (
        ActionLog.objects.filter(
            circle=circle,
            state=LogState.PUBLISHED,
            published_at__gte=since,
            author_id__in=member_ids,
        )
        .order_by()
        .values("author_id")
        .annotate(last=Max("published_at"))
    )
    responses = (
        Response.objects.filter(log__circle=circle, created_at__gte=since, author_id__in=member_ids)
        .order_by()
        .values("author_id")
        .annotate(last=Max("created_at"))
    )
    last: dict[int, dt.datetime] = {}
    for author_id, when in logs.union(responses, all=True).values_list("author_id", "last"):
        if author_id not in last or when > last[author_id]:
            last[author_id] = when
    return last


def _activity(when: dt.datetime | None, now: dt.datetime) -> str:
    if when is None:
        return ""
    if when >= now - WEEK:
        return "week"
    return "month" if when >= now - MONTH else ""


def _with_people(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    """Each member with her profile and, as ``profile.roles_by_name``, her roles (a list:
    no queryset made for each member)."""
    return qs.select_related("member__profile").prefetch_related(
        Prefetch(
            "member__profile__roles",
            queryset=Role.objects.order_by("name"),
            to_attr="roles_by_name",
        )
    )


def _display_name() -> Coalesce:
    """``User.display_name`` in SQL, for a membership: her profile's display name, else the
    part of her email address before the @."""
    return Coalesce(
        NullIf("member__profile__display_name", Value("")),
        Left("member__email", StrIndex("member__email", Value("@")) - 1),
        output_field=CharField(),
    )


def _name_query(q: str | None) -> str:
    """``q`` as the people page filters by it: spaces collapsed, no NUL (PostgreSQL refuses
    it), and at most one character longer than a display name, so that a longer ``q``
    still matches nobody."""
    q = " ".join((q or "").replace("\x00", " ").split())
    return q[: model_limit(Profile, "display_name") + 1]


class _CountedPaginator(Paginator):
    """A paginator given its count (read beside the circle's total, in one query)."""

    def __init__(self, object_list, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


def circle_people(*, circle: Circle, q: str = "", page: str | int | None = None) -> dict:
    """The people page: one ``page`` (a Paginator page of ``PEOPLE_PER_PAGE``; a number
    that is not a page shows the first page, one past the end the last) of the circle's
    active members whose display name contains ``q`` (any case), facilitators first, then
    by name. Each member of the page has ``activity`` ("week", "month" or "", unless she
    hides it) and ``is_new``. Also ``q`` (as filtered by) and ``total`` (the circle's active
    members, whatever ``q`` and the page). Four queries whatever the circle's size (three
    when the page is empty), and only the page's rows are read."""
    now = timezone.now()
    q = _name_query(q)
    members = Membership.objects.filter(circle=circle).active().alias(name=_display_name())
    matching = Q(name__icontains=q) if q else Q()
    counts = members.aggregate(
        total=Count("pk"), matching=Count("pk", filter=matching) if q else Count("pk")
    )
    shown = _with_people(members.filter(matching)).order_by(
        Case(When(kind=MembershipKind.FACILITATOR, then=Value(0)), default=Value(1)),
        Lower("name"),
        "pk",
    )
    paginator = _CountedPaginator(shown, PEOPLE_PER_PAGE, count=counts["matching"])
    page_obj = paginator.get_page(page)
    page_obj.object_list = list(page_obj.object_list)
    last = _last_active(
        circle=circle, member_ids=[m.member_id for m in page_obj.object_list], since=now - MONTH
    )
    for m in page_obj.object_list:
        hidden = m.member.profile.hide_active_status
        m.activity = "" if hidden else _activity(last.get(m.member_id), now)
        m.is_new = m.joined_at is not None and m.joined_at >= now - NEW_FOR
    return {
        "page_obj": page_obj,
        "members": page_obj.object_list,
        "q": q,
        "total": counts["total"],
    }


def circle_newcomers(*, circle: Circle) -> list[Membership]:
    """Members who joined in the last fortnight and introduced themselves, newest first:
    "New in the circle" at the top of its feed."""
    return list(
        Membership.objects.filter(circle=circle, joined_at__gte=timezone.now() - NEW_FOR)
        .active()
        .exclude(member__profile__introduction_html="")
        .select_related("member__profile")
        .order_by("-joined_at", "-pk")[:5]
    )


def person_profile(*, viewer, person_id: int) -> dict | None:
    """``/people/<id>/`` for ``viewer``: None unless she may see it (``people_visible_to``).
    Keys: ``person`` (profile and roles loaded), ``shared_circles`` (the active circles of
    hers the viewer is also in; for staff, or her own page, all of hers), ``logs`` (her
    published logs there that the viewer may see, newest first)."""
    person = (
        people_visible_to(viewer)
        .filter(pk=person_id)
        .select_related("profile")
        .prefetch_related(Prefetch("profile__roles", queryset=Role.objects.order_by("name")))
        .first()
    )
    if person is None or not hasattr(person, "profile"):
        return None
    circles = Circle.objects.filter(pk__in=Membership.objects.circles_of(person))
    if not (viewer.is_staff or viewer.pk == person.pk):
        circles = circles.filter(pk__in=Membership.objects.circles_of(viewer))
    shared = list(circles.order_by("name", "pk"))
    logs = list(
        ActionLog.objects.visible_to(viewer)
        .published()
        .filter(author=person, circle__in=[c.pk for c in shared])
        .select_related("circle")
        .order_by("-published_at", "-pk")[:PROFILE_LOGS]
    )
    return {"person": person, "shared_circles": shared, "logs": logs}
