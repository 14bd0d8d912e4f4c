"""Reads that pages and emails need, shaped so templates run no queries."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from taggit.models import Tag

from circles.models import Circle, Invite, Membership, MembershipState
from members.selectors import roles_of

# --- directory and circle pages (memberships engineer) --------------------------------------


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
    (the dashboard's "circles for your roles")."""
    if not user.is_authenticated or not hasattr(user, "profile"):
        return Circle.objects.none()
    serving = Circle.roles.through.objects.filter(role__in=user.profile.roles.all()).values(
        "circle_id"
    )
    joined = Membership.objects.filter(member=user, state=MembershipState.ACTIVE).values(
        "circle_id"
    )
    qs = Circle.objects.active().filter(pk__in=serving).exclude(pk__in=joined)
    return _with_counts(qs, user=user).order_by("name", "pk")


def circle_public(*, slug: str, user=None) -> Circle | None:
    """One circle for its page, with roles, tags, counts and its facilitators
    (``facilitator_memberships``, profiles loaded) — never its logs."""
    facilitators = Prefetch(
        "memberships",
        queryset=Membership.objects.facilitators()
        .select_related("member__profile")
        .order_by("joined_at", "pk"),
        to_attr="facilitator_memberships",
    )
    qs = _with_counts(Circle.objects.filter(slug=slug), user=user).prefetch_related(facilitators)
    return qs.first()


def circle_pending_requests(*, circle: Circle) -> QuerySet[Membership]:
    """Requests waiting for a facilitator, oldest first, with the people's profiles."""
    return (
        Membership.objects.pending()
        .filter(circle=circle)
        .select_related("member__profile")
        .order_by("created_at", "pk")
    )


def circle_invites(*, circle: Circle) -> QuerySet[Invite]:
    return Invite.objects.filter(circle=circle).select_related("created_by__profile")


# --- feed, log page, dashboard, my logs (logs engineer) -------------------------------------


def dashboard_for(*, user) -> dict:
    """Everything the dashboard shows, already shaped so the template runs no query."""
    return {"my_roles": list(roles_of(user=user))}
