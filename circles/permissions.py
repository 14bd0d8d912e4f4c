"""Who may do what — one place per object type, used by every page, partial, email and
export. Reads that must filter many rows use the QuerySet methods
(``ActionLog.objects.visible_to(user)``, ``Response.objects.visible_to(user)``)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from circles.models import (
    ActionLog,
    Circle,
    LogState,
    Membership,
    MembershipKind,
    MembershipState,
    Response,
)
from members.models import User

_NOT_LOADED = object()


@dataclass(frozen=True)
class CircleAccess:
    """What one person may do in one circle, all derived from her membership there (read
    once): a page asks ``circle_access`` once and every check below costs no query."""

    user: object
    circle: Circle
    membership: Membership | None

    @property
    def is_member(self) -> bool:
        """An active member (facilitators included)."""
        return self.membership is not None and self.membership.state == MembershipState.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_member and self.membership.kind == MembershipKind.FACILITATOR

    @property
    def can_moderate(self) -> bool:
        """The circle's active facilitators and staff. Powers stop at their own circles and
        end at once when a facilitator is removed or demoted (read on every request)."""
        return bool(self.user.is_authenticated and (self.user.is_staff or self.is_facilitator))

    @property
    def can_read(self) -> bool:
        """See the circle's feed, logs and responses."""
        return bool(self.user.is_authenticated and (self.user.is_staff or self.is_member))

    @property
    def can_post(self) -> bool:
        """Write logs and responses: active members of an active circle."""
        return not self.circle.is_archived and self.is_member

    def can_view_log(self, log: ActionLog) -> bool:
        """``ActionLog.objects.visible_to`` for one log of this circle, without a query."""
        user = self.user
        if not user.is_authenticated:
            return False
        if log.author_id == user.pk:
            return True
        if log.circle_id != self.circle.pk or log.state != LogState.PUBLISHED:
            return False
        if user.is_staff or self.is_facilitator:
            return True
        return self.is_member and not log.is_hidden

    def log_takes_writing(self, log: ActionLog) -> bool:
        """``log_takes_writing`` for a log of this circle, without a query."""
        return (
            log.is_published
            and not log.is_locked
            and not log.is_hidden
            and self.can_post
            and self.can_view_log(log)
        )

    def can_respond(self, log: ActionLog) -> bool:
        """``can_respond``: its peers; the author answers with replies."""
        return log.author_id != getattr(self.user, "pk", None) and self.log_takes_writing(log)


def circle_access(user, circle: Circle, *, membership=_NOT_LOADED) -> CircleAccess:
    """``user``'s access to ``circle``: one query, none when ``membership`` (hers in this
    circle, or None) was loaded with the circle."""
    if membership is _NOT_LOADED:
        membership = membership_of(user, circle)
    return CircleAccess(user=user, circle=circle, membership=membership)


def membership_of(user, circle: Circle) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(member=user, circle=circle).first()


def can_moderate(user, circle: Circle) -> bool:
    """The circle's active facilitators and staff (see ``CircleAccess.can_moderate``)."""
    return _staff_or(user, circle, lambda access: access.can_moderate)


def can_read_circle(user, circle: Circle) -> bool:
    """See the circle's feed, logs and responses."""
    return _staff_or(user, circle, lambda access: access.can_read)


def _staff_or(user, circle: Circle, rule) -> bool:
    """A rule of ``CircleAccess`` that staff always pass: no query for visitors or staff."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return rule(circle_access(user, circle))


def can_view_log(user, log: ActionLog) -> bool:
    return ActionLog.objects.visible_to(user).filter(pk=log.pk).exists()


def can_edit_log(user, log: ActionLog) -> bool:
    return user.is_authenticated and log.author_id == user.pk


def can_post_in(user, circle: Circle) -> bool:
    """Write logs and responses: active members of an active circle."""
    if circle.is_archived or not user.is_authenticated:
        return False
    return circle_access(user, circle).can_post


def log_takes_writing(user, log: ActionLog) -> bool:
    """Write on this log (respond, reply, edit one's words): a published log that is
    neither locked nor hidden, which the user sees and may post in."""
    return (
        log.is_published
        and not log.is_locked
        and not log.is_hidden
        and can_post_in(user, log.circle)
        and can_view_log(user, log)
    )


def can_respond(user, log: ActionLog) -> bool:
    """Respond to a log: its peers. The author answers with replies, never a response."""
    return log.author_id != getattr(user, "pk", None) and log_takes_writing(user, log)


def can_reply(user, response: Response) -> bool:
    """Reply to a response (one level deep): whoever may respond to the log, and its
    author; never under a hidden response."""
    return (
        not response.is_reply
        and not response.is_hidden
        and log_takes_writing(user, response.log)
        and can_view_response(user, response)
    )


def can_view_response(user, response: Response) -> bool:
    return Response.objects.visible_to(user).filter(pk=response.pk).exists()


def can_edit_response(user, response: Response) -> bool:
    return user.is_authenticated and response.author_id == user.pk


def require_moderator(user, circle: Circle) -> None:
    """For services: refuse unless ``can_moderate`` (raises PermissionDenied)."""
    if not can_moderate(user, circle):
        raise PermissionDenied("Only this circle's facilitators can do that.")


def circle_for_moderator(user, slug: str) -> Circle:
    """For views: the circle at ``slug``, for a page or action only its moderators may use.
    404 for whoever cannot read the circle (it is not theirs to know about), 403 for its
    members without moderation power."""
    circle = get_object_or_404(Circle, slug=slug)
    access = circle_access(user, circle)
    if access.can_moderate:
        return circle
    if access.can_read:
        raise PermissionDenied("Only this circle's facilitators can do that.")
    raise Http404("No such circle.")


def people_visible_to(user) -> QuerySet[User]:
    """The one rule for whose profile a person sees: her own, and those of the people who
    share an active circle with her (both active members there); staff see everyone's."""
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_staff:
        return User.objects.all()
    mine = Membership.objects.circles_of(user)
    shared = Membership.objects.filter(
        member=OuterRef("pk"), state=MembershipState.ACTIVE, circle__in=mine
    )
    return User.objects.filter(Q(pk=user.pk) | Exists(shared))
