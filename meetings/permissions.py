"""Who may see and run a circle's meetings: the circle's one rule (``circle_access``).
Its members (and staff) see its meetings and answer them; its facilitators (and staff)
schedule, move, cancel, set the agenda and take attendance. Anyone else gets 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from circles.models import Circle
from circles.permissions import CircleAccess, circle_access
from meetings.models import Occurrence


def meetings_access(user, slug: str) -> CircleAccess:
    """Access to the meetings of the circle at ``slug``: 404 unless she may read it."""
    circle = get_object_or_404(Circle, slug=slug)
    access = circle_access(user, circle)
    if not access.can_read:
        raise Http404("No such circle.")
    return access


def require_organiser(access: CircleAccess) -> None:
    if not access.can_moderate:
        raise PermissionDenied("Only this circle's facilitators can do that.")


def can_answer(access: CircleAccess, occurrence: Occurrence) -> bool:
    """RSVP: the active members of an active circle, for a meeting that is neither
    cancelled nor over."""
    return access.can_post and not occurrence.is_cancelled and occurrence.ends_at > timezone.now()


def occurrence_in(access: CircleAccess, pk: int) -> Occurrence:
    """The circle's occurrence ``pk`` with its meeting (404 when it is another circle's)."""
    return get_object_or_404(
        Occurrence.objects.select_related("meeting", "circle"), pk=pk, circle=access.circle
    )
