"""The bell and ``/notifications/``: her notifications, newest first and grouped by day;
opening one marks it read and leads to what it is about. Plain GET and POST → redirect;
the bell refreshes itself by HTMX on a slow poll."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from notifications.context_processors import Bell
from notifications.inbox import bell_reads, notification_for, notifications_page, target_url
from notifications.services.inbox import notification_read, notifications_read_all


def _page_from(request) -> int | None:
    try:
        return int(request.GET["before"])
    except (KeyError, ValueError):
        return None


@login_required
@require_GET
def inbox(request):
    context = notifications_page(
        user=request.user, before=_page_from(request), known=bell_reads(request)
    )
    return render(request, "notifications/inbox.html", context)


@require_GET
def bell(request):
    """The bell alone (the header polls it every minute). A page whose session has ended
    gets 204: HTMX keeps the bell as it is rather than swap a sign-in page into it."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(
        request, "notifications/_bell.html", {"bell": Bell(request.user, request=request)}
    )


@login_required
@require_GET
def notification_open(request, pk):
    """Mark it read and go to what it is about; 404 for anyone else's or one about what she
    may no longer see."""
    notification = notification_for(user=request.user, pk=pk)
    if notification is None:
        raise Http404("No such notification.")
    notification_read(notification=notification)
    return redirect(target_url(notification))


@login_required
@require_POST
def read_all(request):
    count = notifications_read_all(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("inbox:list")
