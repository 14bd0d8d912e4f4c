"""The log and response forms' autosave: every 20 seconds, when the text has changed,
static/js/drafts.js posts the form here (HTMX); the text comes back when the form opens
again. A signed-out request answers 401, so the page can say her text is kept in the
browser until she signs in again."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from circles.drafts import KEY, draft_fields, text_draft_for, text_draft_forget, text_draft_save

SIGNED_OUT = (
    "Your session has ended: this text is kept in this browser only. "
    "Sign in again (in a new tab) and it will be saved."
)


@require_http_methods(["GET", "POST", "DELETE"])
def draft(request, key):
    if not KEY.match(key):
        raise Http404("No such form.")
    if not request.user.is_authenticated:
        return HttpResponse(SIGNED_OUT, status=401, content_type="text/plain; charset=utf-8")
    if request.method == "GET":
        found = text_draft_for(member=request.user, key=key)
        if found is None:
            return JsonResponse({"fields": None})
        return JsonResponse({"fields": found.fields, "saved_at": found.saved_at.isoformat()})
    if request.method == "DELETE":
        text_draft_forget(member=request.user, key=key)
        return HttpResponse(status=204)
    saved = text_draft_save(member=request.user, key=key, fields=draft_fields(request.POST))
    return render(request, "circles/_draft_saved.html", {"draft": saved})
