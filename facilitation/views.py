"""Facilitators' pages (queue, members, settings, audit, health) and members' reports.

Who may see what: someone who cannot read the circle gets 404 (it is not theirs to know
about); a member without moderation power gets 403; staff may do everything.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from circles.models import ActionLog, Circle, LogState, Membership, MembershipState, Response
from circles.people import people_shown
from circles.permissions import can_read_circle, circle_for_moderator
from circles.selectors import queue_counts
from commons.selectors import lessons_from_circle
from facilitation import charts, exports, selectors, services
from facilitation.forms import (
    CircleSettingsForm,
    HideForm,
    OptionalReasonForm,
    OverviewSortForm,
    ReasonForm,
    ReportForm,
)
from facilitation.models import Report
from school.redirects import safe_next_url

# --- helpers ----------------------------------------------------------------------------------


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _run(request, action: Callable[[], object], *, success: str, back: str):
    """Call one service, turn its refusal into a message; redirect either way."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success)
    return redirect(safe_next_url(request, back))


def _decide_with_reason(request, form, decide: Callable[[str], object], *, success: str, back: str):
    """A decision that says why: on a valid POST, ``decide(reason)``; done, a message and
    a redirect to ``back``; refused, None, with the refusal on the form to render again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        decide(form.cleaned_data["reason"])
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, success)
    return redirect(back)


def _reports_partial(
    request, circle: Circle, status: tuple[str, str] | None, *, failed: dict | None = None
):
    """The HTMX answer to a decision taken in the queue: the fresh list of reports (with
    ``failed``, the error summary on the item whose decision was refused) and the queue's
    count in the navigation."""
    queue = selectors.moderation_queue(circle=circle)
    return render(
        request,
        "facilitation/_reports_answer.html",
        {
            "circle": circle,
            "items": queue["items"],
            "status": status,
            "failed": failed,
            "counts": queue_counts(circle=circle),
        },
    )


def _queue_url(circle: Circle) -> str:
    return reverse("facilitation:queue", kwargs={"slug": circle.slug})


def _members_url(circle: Circle) -> str:
    return reverse("facilitation:members", kwargs={"slug": circle.slug})


def _log_in(circle: Circle, pk: int) -> ActionLog:
    return _published_in(circle, pk, ActionLog.objects.select_related("circle"), "")


def _response_in(circle: Circle, pk: int) -> Response:
    return _published_in(circle, pk, Response.objects.select_related("log__circle"), "log__")


def _published_in(circle: Circle, pk: int, queryset, log_path: str):
    """A log of the circle, or a response on one of its logs (``log_path``), while the log
    is published: 404 otherwise."""
    return get_object_or_404(
        queryset.select_related("author__profile"),
        pk=pk,
        **{f"{log_path}circle": circle, f"{log_path}state": LogState.PUBLISHED},
    )


def _membership_in(circle: Circle, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("member__profile", "circle"), pk=pk, circle=circle
    )


def _page_context(request, circle: Circle, **extra) -> dict:
    # Whose names link to profiles: read only by a page that shows names with the tag.
    shown = SimpleLazyObject(lambda: people_shown(circle_ids=[circle.pk]))
    return {"circle": circle, "counts": queue_counts(circle=circle), "shown": shown, **extra}


def _listed(request, slug: str, template: str, rows: Callable[..., object], *, per_page: int):
    """A moderator's page listing ``rows(circle=…)``, ``per_page`` at a time."""
    circle = circle_for_moderator(request.user, slug)
    page = Paginator(rows(circle=circle), per_page).get_page(request.GET.get("page"))
    return render(request, template, _page_context(request, circle, page=page))


# --- reports (any member) -----------------------------------------------------------------------


def _report(request, *, log: ActionLog | None = None, response: Response | None = None):
    the_log = log or response.log
    if not can_read_circle(request.user, the_log.circle):
        raise Http404("Not found.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _report_send(request, form, log=log, response=response)
    already = selectors.report_exists(reporter=request.user, log=log, response=response)
    context = {"form": form, "log": the_log, "response": response, "already": already}
    return render(request, "facilitation/report_form.html", {**context, "target": log or response})


def _report_send(request, form: ReportForm, *, log: ActionLog | None, response: Response | None):
    try:
        _, created = services.report_create(
            reporter=request.user,
            log=log,
            response=response,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
        )
    except PermissionDenied:
        raise Http404("Not found.") from None
    if created:
        messages.success(request, "Thank you. The circle's facilitators will look at your report.")
    else:
        messages.info(request, "You had already reported this; the facilitators have it.")
    return redirect((log or response).get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def report_log(request, pk: int):
    log = get_object_or_404(
        ActionLog.objects.visible_to(request.user).published().select_related("circle"), pk=pk
    )
    return _report(request, log=log)


@login_required
@require_http_methods(["GET", "POST"])
def report_response(request, pk: int):
    response = get_object_or_404(
        Response.objects.visible_to(request.user).select_related("log__circle", "author__profile"),
        pk=pk,
    )
    return _report(request, response=response)


# --- the moderation queue ---------------------------------------------------------------------


@login_required
@require_GET
def queue(request, slug: str):
    circle = circle_for_moderator(request.user, slug)
    context = _page_context(request, circle, **selectors.moderation_queue(circle=circle))
    return render(request, "facilitation/queue.html", context)


@login_required
@require_POST
def report_dismiss(request, slug: str, pk: int):
    circle = circle_for_moderator(request.user, slug)
    report = get_object_or_404(Report, pk=pk, circle=circle)
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if request.htmx:
        try:
            services.report_dismiss(actor=request.user, report=report, reason=reason)
        except ValidationError as error:
            return _reports_partial(request, circle, ("error", _error_text(error)))
        return _reports_partial(request, circle, ("success", "Report dismissed."))
    return _run(
        request,
        lambda: services.report_dismiss(actor=request.user, report=report, reason=reason),
        success="Report dismissed. The content stays as it was.",
        back=_queue_url(circle),
    )


def _hide(request, circle: Circle, *, log=None, response=None):
    target = log or response
    if target.is_hidden:
        return _queue_answer(request, circle, ("info", "This is already hidden."))
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.content_hide(
                actor=request.user, log=log, response=response, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = "Hidden. Members no longer see it; its author sees why."
            return _queue_answer(request, circle, ("success", done))
    if request.method == "POST" and request.htmx:
        kind = "log" if log is not None else "response"
        failed = {"kind": kind, "pk": target.pk, "errors": form.error_list()}
        return _reports_partial(request, circle, None, failed=failed)
    context = {"circle": circle, "form": form, "log": log or response.log, "response": response}
    return render(
        request, "facilitation/hide_form.html", {**context, "next": safe_next_url(request, "")}
    )


def _queue_answer(request, circle: Circle, status: tuple[str, str]):
    """Say how a decision from the queue went: the fresh queue to HTMX, else a message and
    back where the facilitator came from."""
    if request.htmx:
        return _reports_partial(request, circle, status)
    getattr(messages, status[0])(request, status[1])
    return redirect(safe_next_url(request, _queue_url(circle)))


@login_required
@require_http_methods(["GET", "POST"])
def log_hide(request, slug: str, pk: int):
    circle = circle_for_moderator(request.user, slug)
    return _hide(request, circle, log=_log_in(circle, pk))


@login_required
@require_http_methods(["GET", "POST"])
def response_hide(request, slug: str, pk: int):
    circle = circle_for_moderator(request.user, slug)
    return _hide(request, circle, response=_response_in(circle, pk))


@login_required
@require_POST
def log_restore(request, slug: str, pk: int):
    return _restore(request, slug, pk, "log")


@login_required
@require_POST
def response_restore(request, slug: str, pk: int):
    return _restore(request, slug, pk, "response")


def _restore(request, slug: str, pk: int, kind: str):
    circle = circle_for_moderator(request.user, slug)
    target = {kind: _log_in(circle, pk) if kind == "log" else _response_in(circle, pk)}
    return _run(
        request,
        lambda: services.content_restore(actor=request.user, **target),
        success=f"Restored. Members see the {kind} again.",
        back=_queue_url(circle),
    )


_LOG_FLAG_DONE = {
    "pin": "Pinned to the top of the circle feed.",
    "unpin": "Unpinned.",
    "lock": "Locked: no new responses.",
    "unlock": "Unlocked: members can respond again.",
}


@login_required
@require_POST
def log_flag(request, slug: str, pk: int, flag: str):
    circle = circle_for_moderator(request.user, slug)
    log = _log_in(circle, pk)
    return _run(
        request,
        lambda: services.log_flag_set(actor=request.user, log=log, flag=flag),
        success=_LOG_FLAG_DONE[flag],
        back=reverse("facilitation:logs", kwargs={"slug": circle.slug}),
    )


@login_required
@require_GET
def logs(request, slug: str):
    """The circle's published logs with pin, lock and hide controls."""
    return _listed(request, slug, "facilitation/logs.html", selectors.circle_logs, per_page=30)


@login_required
@require_GET
def lessons(request, slug: str):
    """The lessons shared from the circle to the commons, each with "Withdraw": where its
    facilitators withdraw a lesson whose page does not say it came from their circle."""
    return _listed(request, slug, "facilitation/lessons.html", lessons_from_circle, per_page=30)


# --- members ----------------------------------------------------------------------------------


@login_required
@require_GET
def members(request, slug: str):
    circle = circle_for_moderator(request.user, slug)
    context = _page_context(request, circle, memberships=selectors.circle_members(circle=circle))
    return render(request, "facilitation/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, slug: str, pk: int):
    circle = circle_for_moderator(request.user, slug)
    membership = _membership_in(circle, pk)
    if membership.state != MembershipState.ACTIVE:
        raise Http404("Not an active member.")
    form = ReasonForm(request.POST or None, label="Reason for removing them")
    done = _decide_with_reason(
        request,
        form,
        lambda reason: services.member_remove(
            actor=request.user, membership=membership, reason=reason
        ),
        success=f"{membership.member.display_name} is no longer a member.",
        back=_members_url(circle),
    )
    context = {"circle": circle, "membership": membership, "form": form}
    return done or render(request, "facilitation/member_remove.html", context)


@login_required
@require_POST
def facilitator_promote(request, slug: str, pk: int):
    circle = circle_for_moderator(request.user, slug)
    membership = _membership_in(circle, pk)
    return _run(
        request,
        lambda: services.facilitator_promote(actor=request.user, membership=membership),
        success=f"{membership.member.display_name} now co-facilitates the circle.",
        back=_members_url(circle),
    )


@login_required
@require_POST
def facilitator_demote(request, slug: str, pk: int):
    circle = circle_for_moderator(request.user, slug)
    membership = _membership_in(circle, pk)
    back = _members_url(circle)
    if membership.member_id == request.user.pk and not request.user.is_staff:
        back = reverse("circles:detail", kwargs={"slug": circle.slug})
    return _run(
        request,
        lambda: services.facilitator_demote(actor=request.user, membership=membership),
        success=f"{membership.member.display_name} is now a member, not a facilitator.",
        back=back,
    )


# --- circle settings and archiving --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings(request, slug: str):
    circle = circle_for_moderator(request.user, slug)
    form = CircleSettingsForm(request.POST or None, instance=circle)
    if request.method == "POST" and form.is_valid():
        try:
            services.circle_update(actor=request.user, circle=circle, data=form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, "The circle's settings are saved.")
            return redirect(reverse("facilitation:settings", kwargs={"slug": circle.slug}))
    return render(
        request,
        "facilitation/settings.html",
        _page_context(
            request, circle, form=form, archive_form=ReasonForm(label="Reason for archiving")
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def archive(request, slug: str):
    circle = circle_for_moderator(request.user, slug)
    form = ReasonForm(request.POST or None, label="Reason for archiving")
    done = _decide_with_reason(
        request,
        form,
        lambda reason: services.circle_archive(actor=request.user, circle=circle, reason=reason),
        success="The circle is archived: members can read it, not post.",
        back=reverse("facilitation:audit", kwargs={"slug": circle.slug}),
    )
    return done or render(request, "facilitation/archive.html", {"circle": circle, "form": form})


# --- audit log ---------------------------------------------------------------------------------


@login_required
@require_GET
def audit(request, slug: str):
    return _listed(request, slug, "facilitation/audit.html", selectors.audit_log, per_page=50)


# --- health ------------------------------------------------------------------------------------


UNANSWERED_LISTED = 20  # the page lists the oldest; the CSV lists them all


@login_required
@require_GET
def health(request, slug: str):
    circle = circle_for_moderator(request.user, slug)
    figures = selectors.circle_health(circle=circle, unanswered_limit=UNANSWERED_LISTED)
    context = _page_context(
        request,
        circle,
        health=figures,
        weekly_chart=charts.weekly_activity_chart(figures),
        kinds_chart=charts.kinds_chart(figures),
    )
    return render(request, "facilitation/health.html", context)


@login_required
@require_GET
def health_csv(request, slug: str):
    circle = circle_for_moderator(request.user, slug)
    figures = selectors.circle_health(circle=circle)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.health_filename(figures)}"'
    exports.health_csv_write(figures, response)
    return response


@login_required
@require_GET
def health_overview(request):
    if not request.user.is_staff:
        raise Http404("Not found.")
    form = OverviewSortForm(request.GET)
    sort, descending = form.sort_order()
    rows = selectors.health_overview(sort=sort, descending=descending)
    context = {"rows": rows, "columns": form.columns(), "sort": sort, "descending": descending}
    return render(request, "facilitation/health_overview.html", context)
