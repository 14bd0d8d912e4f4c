"""Who may do what — one place per object type, used by every page, partial, email and
export. Reads that must filter many rows use the QuerySet methods
(``ActionLog.objects.visible_to(user)``, ``Response.objects.visible_to(user)``)."""

from django.core.exceptions import PermissionDenied

from circles.models import (
    ActionLog,
    Circle,
    Membership,
    MembershipKind,
    MembershipState,
    Response,
)


def membership_of(user, circle: Circle) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(member=user, circle=circle).first()


def is_active_member(user, circle: Circle) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        member=user, circle=circle, state=MembershipState.ACTIVE
    ).exists()


def can_moderate(user, circle: Circle) -> bool:
    """The circle's active facilitators and staff. Powers stop at their own circles and
    end at once when a facilitator is removed or demoted (checked on every request)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        member=user,
        circle=circle,
        state=MembershipState.ACTIVE,
        kind=MembershipKind.FACILITATOR,
    ).exists()


def can_read_circle(user, circle: Circle) -> bool:
    """See the circle's feed, logs and responses."""
    return bool(user.is_authenticated and (user.is_staff or is_active_member(user, circle)))


def can_view_log(user, log: ActionLog) -> bool:
    return ActionLog.objects.visible_to(user).filter(pk=log.pk).exists()


def can_edit_log(user, log: ActionLog) -> bool:
    return user.is_authenticated and log.author_id == user.pk


def can_post_in(user, circle: Circle) -> bool:
    """Write logs and responses: active members of an active circle."""
    return not circle.is_archived and is_active_member(user, circle)


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
