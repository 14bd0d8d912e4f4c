"""Reads about people in circles: the people page, profiles, and which names on a page
link to a profile. Shaped so templates run no queries."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from circles.models import ActionLog, Circle, LogState, Membership, MembershipState, Response
from circles.permissions import CircleAccess, people_visible_to
from members.models import Role

NEW_FOR = dt.timedelta(days=14)
WEEK = dt.timedelta(days=7)
MONTH = dt.timedelta(days=30)
PROFILE_LOGS = 20


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


def _last_active(*, circle: Circle, since: dt.datetime) -> dict[int, dt.datetime]:
    """When each member last published a log or wrote a response in the circle (since
    ``since``): one grouped query (the union of two)."""
    logs = (
        ActionLog.objects.filter(circle=circle, state=LogState.PUBLISHED, published_at__gte=since)
        .order_by()
        .values("author_id")
        .annotate(last=Max("published_at"))
    )
    responses = (
        Response.objects.filter(log__circle=circle, created_at__gte=since)
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
    return qs.select_related("member__profile").prefetch_related(
        Prefetch("member__profile__roles", queryset=Role.objects.order_by("name"))
    )


def circle_people(*, circle: Circle, access: CircleAccess) -> dict:
    """The people page: the circle's active members (facilitators first, then by name),
    each with ``activity`` ("week", "month" or "", unless she hides it) and ``is_new``;
    ``newcomers`` (joined in the last fortnight, with an introduction); for its
    moderators, ``pending`` (requests waiting)."""
    now = timezone.now()
    members = list(_with_people(Membership.objects.filter(circle=circle).active()))
    last = _last_active(circle=circle, since=now - MONTH)
    for m in members:
        hidden = m.member.profile.hide_active_status
        m.activity = "" if hidden else _activity(last.get(m.member_id), now)
        m.is_new = m.joined_at is not None and m.joined_at >= now - NEW_FOR
    members.sort(key=lambda m: (not m.is_facilitator, m.member.display_name.lower(), m.pk))
    pending = []
    if access.can_moderate:
        pending = list(
            Membership.objects.pending()
            .filter(circle=circle)
            .select_related("member__profile")
            .order_by("created_at", "pk")
        )
    return {
        "members": members,
        "newcomers": [m for m in members if m.is_new and m.member.profile.introduction],
        "pending": pending,
    }


def circle_newcomers(*, circle: Circle) -> list[Membership]:
    """Members who joined in the last fortnight and introduced themselves, newest first:
    "New in the circle" at the top of its feed."""
    return list(
        Membership.objects.filter(circle=circle, joined_at__gte=timezone.now() - NEW_FOR)
        .active()
        .exclude(member__profile__introduction="")
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
    circles = Circle.objects.filter(
        memberships__member=person, memberships__state=MembershipState.ACTIVE
    )
    if not (viewer.is_staff or viewer.pk == person.pk):
        circles = circles.filter(
            pk__in=Membership.objects.filter(member=viewer, state=MembershipState.ACTIVE).values(
                "circle"
            )
        )
    shared = list(circles.order_by("name", "pk"))
    logs = list(
        ActionLog.objects.visible_to(viewer)
        .published()
        .filter(author=person, circle__in=[c.pk for c in shared])
        .select_related("circle")
        .order_by("-published_at", "-pk")[:PROFILE_LOGS]
    )
    return {"person": person, "shared_circles": shared, "logs": logs}
