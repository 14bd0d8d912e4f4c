from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from privacy.forms import DeleteAccountForm
from privacy.models import ErasureMode
from privacy.selectors import exports_of, privacy_facts
from privacy.services.erasure import (
    ErasureRefused,
    ErasureUnderWay,
    circles_needing_handover,
    erasure_request,
    erasure_under_way,
    handover_message,
)
from privacy.services.exports import export_for_token, export_request


@require_GET
def privacy_page(request):
    return render(request, "privacy/privacy.html", privacy_facts())


@require_GET
def account_deleted(request):
    return render(request, "privacy/deleted.html")


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request):
    if request.method == "POST":
        export_request(member=request.user)
        messages.success(
            request, "We are putting your data together. We will email you a link when it is ready."
        )
        return redirect("privacy:my_data")
    return render(request, "privacy/my_data.html", {"exports": exports_of(request.user)})


@login_required
@require_GET
def export_download(request, token):
    export = export_for_token(token=token, user=request.user)
    if export is None:
        raise Http404("No such export")
    return FileResponse(
        export.path.open("rb"), as_attachment=True, filename="my-social-business-school-data.zip"
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    if request.method == "POST" and erasure_under_way(member=request.user):
        return _already_being_deleted(request)
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            erasure_request(member=request.user, mode=ErasureMode(form.cleaned_data["mode"]))
        except ErasureUnderWay:
            return _already_being_deleted(request)
        except ErasureRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            logout(request)
            return redirect("privacy:account_deleted")
    handover = circles_needing_handover(request.user)
    context = {"form": form, "handover": handover_message(handover) if handover else ""}
    return render(request, "privacy/delete.html", context)


def _already_being_deleted(request):
    """A second submission (a double click, another tab) while the first is at work."""
    logout(request)
    messages.info(request, "Your account is already being deleted.")
    return redirect("privacy:account_deleted")
