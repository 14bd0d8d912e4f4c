"""One-click unsubscribe (RFC 8058). A GET shows a confirm page and changes nothing; a
POST (from the mail client's one-click button or the page's form) unsubscribes without
sign-in or CSRF token — the signed token is the authority — and is idempotent. An expired
link changes nothing and points to the email preferences instead."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications.services.unsubscribe import (
    UnsubscribeLinkExpired,
    unsubscribe_apply,
    unsubscribe_token_read,
)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    try:
        target = unsubscribe_token_read(token=token)
    except UnsubscribeLinkExpired:
        return render(
            request,
            "notifications/unsubscribe_expired.html",
            {"max_age_days": settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS},
            status=410,
        )
    if target is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        unsubscribe_apply(target=target)
        return render(request, "notifications/unsubscribe_done.html", {"target": target})
    return render(request, "notifications/unsubscribe_confirm.html", {"target": target})
