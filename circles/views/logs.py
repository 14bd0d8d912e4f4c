"""Action logs and peer responses: write (draft, then publish), read, edit, respond,
reply to a response and mark helpful; and "my logs". The dashboard view lives in
``circles.views.dashboard``.

Writing a log offers a preview: the unsaved text rendered through the same Markdown
sanitiser as a saved log, as an HTMX tab (``log_preview``) or, without JavaScript, a
Preview button that redisplays the form with the preview above it. Nothing is saved.

Who may do what comes from ``circles.permissions`` and ``ActionLog.objects.visible_to``:
a log (or response) a person may not see answers 404; one they can see but may not act
on answers 403; anonymous visitors are sent to sign in. Every form is a plain
POST → redirect; responding, replying and marking helpful also answer HTMX with partials.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from circles import selectors
from circles.forms import ActionLogForm, ReplyForm, ResponseForm, preview_of
from circles.models import ActionLog, Circle, Response
from circles.once import once_made, resubmission_lands_on_first
from circles.people import people_shown
from circles.permissions import (
    can_edit_log,
    can_edit_response,
    can_post_in,
    can_read_circle,
    can_reply,
    log_takes_writing,
)
from circles.services.logs import log_create as log_create_service
from circles.services.logs import log_publish as log_publish_service
from circles.services.logs import log_update
from circles.services.responses import reply_create as reply_create_service
from circles.services.responses import response_create as response_create_service
from circles.services.responses import response_mark_helpful, response_update
from circles.signals import log_seen


def _add_errors(form, error: ValidationError):
    """Put a service's validation errors on the form (unknown fields go to the top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _log_or_404(request, slug, pk) -> ActionLog:
    """The log at this address, if the user may see it; the log must be in this circle."""
    log = selectors.log_for_page(user=request.user, slug=slug, pk=pk)
    if log is None:
        raise Http404("No such log.")
    return log


def _own_log_or_refuse(request, slug, pk) -> ActionLog:
    log = _log_or_404(request, slug, pk)
    if not can_edit_log(request.user, log):
        raise PermissionDenied("Only the author can change this log.")
    if not log.access.can_post:
        raise PermissionDenied("This log is read-only: the circle is archived or you left it.")
    return log


def _chosen_earlier(form) -> ActionLog | None:
    """The earlier log the form names (only ever one of the writer's own), to show its
    prediction and next step beside the form."""
    try:
        pk = int(form["follows"].value())
    except (TypeError, ValueError):
        return None
    return form.fields["follows"].queryset.filter(pk=pk).first()


# --- writing a log ----------------------------------------------------------------------------


def _circle_to_write_in(request, slug) -> Circle:
    circle = get_object_or_404(Circle, slug=slug)
    if not can_post_in(request.user, circle):
        if can_read_circle(request.user, circle):
            raise PermissionDenied("This circle is archived: no new logs.")
        raise Http404("No such circle page.")
    return circle


def _form_page(request, *, circle, form, earlier, editing, preview=None):
    # None for a blank form.
    related = selectors.lessons_related_to_form(form, reader=request.user, circle=circle)
    return render(
        request,
        "circles/log_form.html",
        {
            "circle": circle,
            "form": form,
            "earlier": earlier,
            "editing": editing,
            "preview": preview,
            "related_lessons": related,
            "log_preview_url": reverse("circles:log_preview", kwargs={"slug": circle.slug}),
            "draft_key": f"log-{editing.pk}" if editing else f"log-new-{circle.pk}",
        },
    )


def _saved(form, service, **kwargs):
    """Call the service; a refusal goes onto the form as errors and returns None."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        _add_errors(form, error)
        return None


def _say_saved(request, log: ActionLog, *, published_now: bool) -> None:
    if published_now:
        messages.success(request, "Your log is published: the circle can see it now.")
    elif log.is_published:
        messages.success(request, "Your changes are saved; the log shows as edited.")
    else:
        messages.success(request, "Draft saved. Only you can see it until you publish.")


def _log_saved(request, form, service, *, publish: bool, **where) -> ActionLog | None:
    """Create or update the log from the valid form and say so; None when refused (the
    refusal is on the form)."""
    data = form.cleaned_data
    log = _saved(form, service, author=request.user, data=form.log_data, tags=data["tags"],
                 follows=data["follows"], publish=publish, **where)  # fmt: skip
    if log is not None:
        _say_saved(request, log, published_now=publish)
    return log


def _preview_page(request, *, circle, form, earlier, editing):
    """The form redisplayed with the unsaved log rendered above it (nothing is saved)."""
    preview = preview_of(request.POST)
    return _form_page(
        request, circle=circle, form=form, earlier=earlier, editing=editing, preview=preview
    )


@login_required
@require_http_methods(["GET", "POST"])
@resubmission_lands_on_first
def log_create(request, slug):
    circle = _circle_to_write_in(request, slug)
    publish = "publish" in request.POST
    form = ActionLogForm(
        request.POST or None, author=request.user, preview_url=request.path, publishing=publish
    )
    if "preview" in request.POST:
        form = ActionLogForm(
            initial=request.POST.dict(), author=request.user, preview_url=request.path
        )
        earlier = _chosen_earlier(form)
        return _preview_page(request, circle=circle, form=form, earlier=earlier, editing=None)
    if request.method == "GET" and request.GET.get("follows"):
        form.initial["follows"] = request.GET["follows"]
    earlier = _chosen_earlier(form)
    if request.method == "POST" and form.is_valid():
        create = once_made(request, log_create_service)
        log = _log_saved(request, form, create, publish=publish, circle=circle)
        if log is not None:
            return redirect(log)
    return _form_page(request, circle=circle, form=form, earlier=earlier, editing=None)


@login_required
@require_POST
def log_preview(request, slug):
    """The HTMX preview tab: the unsaved log rendered as the circle would see it."""
    _circle_to_write_in(request, slug)
    return render(request, "circles/_log_preview.html", {"preview": preview_of(request.POST)})


@login_required
@require_http_methods(["GET", "POST"])
def log_edit(request, slug, pk):
    log = _own_log_or_refuse(request, slug, pk)
    earlier = log.follows if log.follows_id else None
    if "preview" in request.POST:
        form = ActionLogForm(initial=request.POST.dict(), author=request.user, exclude_pk=log.pk)
        return _preview_page(request, circle=log.circle, form=form, earlier=earlier, editing=log)
    publish = "publish" in request.POST and not log.is_published
    form = ActionLogForm(
        request.POST or None,
        initial=ActionLogForm.values_of(log),
        author=request.user,
        exclude_pk=log.pk,
        publishing=publish or log.is_published,
        kept_due=log.next_step_due if log.is_published else None,
    )
    if request.method == "POST" and form.is_valid():
        saved = _log_saved(request, form, log_update, publish=publish, log=log)
        if saved is not None:
            return redirect(saved)
    return _form_page(request, circle=log.circle, form=form, earlier=earlier, editing=log)


@login_required
@require_POST
def log_publish(request, slug, pk):
    """Publish a draft from its page. When it lacks what publishing needs, the edit form
    opens with every problem in its error summary (posting it saves through the edit page)."""
    log = _own_log_or_refuse(request, slug, pk)
    try:
        log_publish_service(author=request.user, log=log)
    except ValidationError as error:
        form = ActionLogForm(
            ActionLogForm.values_of(log), author=request.user, exclude_pk=log.pk, publishing=True
        )
        form.is_valid()
        problems = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
        for field, errors in problems.items():
            if field not in form.errors:
                form.add_error(field if field in form.fields else None, errors)
        earlier = log.follows if log.follows_id else None
        return _form_page(request, circle=log.circle, form=form, earlier=earlier, editing=log)
    messages.success(request, "Your log is published: the circle can see it now.")
    return redirect(log)


# --- reading a log ----------------------------------------------------------------------------


def _log_page_context(request, log, *, form=None) -> dict:
    context = selectors.log_page(log=log, user=request.user)
    context["response_form"] = form or ResponseForm()
    context["shown"] = shown = people_shown(circle_ids=[log.circle_id])
    for response in context["responses"]:  # whose names link to their profiles
        for item in (response, *response.visible_replies):
            item.author_in_circle = shown.links(item.author_id, log.circle_id)
    return context


def _log_detail_context(request, slug, pk) -> dict:
    log = _log_or_404(request, slug, pk)
    context = _log_page_context(request, log)
    context["related_lessons"] = selectors.lessons_related_to(log, reader=request.user)
    return context


@login_required
def log_detail(request, slug, pk):
    context = _log_detail_context(request, slug, pk)
    log_seen.send(sender=ActionLog, user=request.user, log_id=pk, request=request)
    return render(request, "circles/log_detail.html", context)


# --- responses --------------------------------------------------------------------------------


def _response_posted(request, log: ActionLog, response: Response) -> HttpResponse:
    """HTMX: the responses list with the new one marked, and a fresh form out of band."""
    context = _log_page_context(request, log)
    context["new_response_pk"] = response.pk
    html = render_to_string("circles/_responses.html", context, request=request)
    context["oob"] = True
    html += render_to_string("circles/_response_form.html", context, request=request)
    return HttpResponse(html)


def _response_refused(request, log: ActionLog, form) -> HttpResponse:
    """The form again with its errors: in place for HTMX, else on the log page."""
    context = _log_page_context(request, log, form=form)
    if not request.htmx:
        return render(request, "circles/log_detail.html", context)
    response = render(request, "circles/_response_form.html", context)
    response["HX-Retarget"] = "#response-form"
    response["HX-Reswap"] = "outerHTML"
    return response


def _signed_out(request, slug, pk) -> HttpResponse:
    """A response posted after her session ended: back to the log once she has signed in,
    where the form puts her text back (static/js/drafts.js keeps it in the browser)."""
    log_url = reverse("circles:log_detail", kwargs={"slug": slug, "pk": pk})
    to = f"{reverse('account_login')}?{urlencode({'next': log_url})}"
    messages.info(request, "Your session had ended. Sign in and your response will be there.")
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": to})
    return redirect(to)


@require_POST
@resubmission_lands_on_first
def response_create(request, slug, pk):
    if not request.user.is_authenticated:
        return _signed_out(request, slug, pk)
    log = _log_or_404(request, slug, pk)
    if not log.access.can_respond(log):
        raise PermissionDenied("This log is not taking responses.")
    form = ResponseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        create = once_made(request, response_create_service)
        response = _saved(form, create, author=request.user, log=log,
                          kind=data["kind"], body=data["body"])  # fmt: skip
        if response is not None:
            if request.htmx:
                return _response_posted(request, log, response)
            messages.success(request, "Thank you: your response is posted.")
            return redirect(response.get_absolute_url())
    return _response_refused(request, log, form)


def _response_or_404(request, slug, pk, rpk) -> Response:
    response = (
        Response.objects.visible_to(request.user)
        .filter(pk=rpk, log__pk=pk, log__circle__slug=slug)
        .select_related("log__circle", "log__author__profile", "author__profile")
        .first()
    )
    if response is None:
        raise Http404("No such response.")
    return response


def _in_thread(request, log: ActionLog, pk: int) -> tuple[dict, Response]:
    """The log page's context and, from it, the top-level response ``pk`` shaped as the
    page shows it (its replies, whether it is answered)."""
    context = _log_page_context(request, log)
    for response in context["responses"]:
        if response.pk == pk:
            return context, response
    raise Http404("No such response.")


def _thread_page(request, log: ActionLog, pk: int, *, reply_form=None) -> HttpResponse:
    """One response with its replies: the partial for HTMX, else the whole log page."""
    context, shaped = _in_thread(request, log, pk)
    if reply_form is not None:
        shaped.reply_form = reply_form
    if not request.htmx:
        return render(request, "circles/log_detail.html", context)
    context["response"] = shaped
    return render(request, "circles/_response.html", context)


@login_required
@require_POST
@resubmission_lands_on_first
def reply_create(request, slug, pk, rpk):
    response = _response_or_404(request, slug, pk, rpk)
    if not can_reply(request.user, response):
        raise PermissionDenied("This response is not taking replies.")
    form = ReplyForm(request.POST, auto_id=f"reply-{response.pk}-%s")
    if form.is_valid():
        create = once_made(request, reply_create_service)
        reply = _saved(form, create, author=request.user, response=response,
                       body=form.cleaned_data["body"])  # fmt: skip
        if reply is not None and request.htmx:
            return _thread_page(request, response.log, response.pk)
        if reply is not None:
            messages.success(request, "Thank you: your reply is posted.")
            return redirect(reply.get_absolute_url())
    return _thread_page(request, response.log, response.pk, reply_form=form)


def _response_form_for(request, response: Response):
    """The edit form: a reply has only its text, a response also its kind."""
    if response.is_reply:
        return ReplyForm(request.POST or None, initial={"body": response.body})
    initial = {"kind": response.kind, "body": response.body}
    return ResponseForm(request.POST or None, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def response_edit(request, slug, pk, rpk):
    response = _response_or_404(request, slug, pk, rpk)
    if not can_edit_response(request.user, response):
        raise PermissionDenied("Only its author can change a response.")
    if not log_takes_writing(request.user, response.log):
        raise PermissionDenied("This log is not taking changes to responses.")
    form = _response_form_for(request, response)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data.get("kind", response.kind)
        if _saved(form, response_update, author=request.user, response=response,
                  body=form.cleaned_data["body"], kind=kind) is not None:  # fmt: skip
            messages.success(request, "Your response is updated.")
            return redirect(response.get_absolute_url())
    context = {"response": response, "log": response.log, "form": form}
    return render(request, "circles/response_edit.html", context)


@login_required
@require_POST
def response_helpful(request, slug, pk, rpk):
    response = _response_or_404(request, slug, pk, rpk)
    helpful = request.POST.get("helpful", "1") != "0"
    response_mark_helpful(actor=request.user, response=response, helpful=helpful)
    if request.htmx:
        return _thread_page(request, response.log, response.pk)
    messages.success(request, "Marked as helpful." if helpful else "No longer marked as helpful.")
    return redirect(response.get_absolute_url())


# --- my logs ----------------------------------------------------------------------------------


@login_required
def my_logs(request):
    return render(request, "circles/my_logs.html", {"chains": selectors.my_logs(user=request.user)})
