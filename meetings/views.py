"""A circle's meetings: the list, scheduling, a meeting's page (agenda, RSVP, attendance
and notes), moving and cancelling, ``.ics`` files, and a member's calendar feed.

Who may do what comes from ``meetings.permissions`` (the circle's one rule): anyone who
may not read the circle gets 404, its members 403 for what only facilitators do. Every
action is a plain POST → redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from circles.models import ActionLog
from circles.once import once_create, resubmission_lands_on_first
from meetings import services
from meetings.calendar import calendar_build, feed_member_read, feed_token_make
from meetings.forms import AgendaItemForm, AttendanceForm, MoveForm, RsvpForm, ScheduleForm
from meetings.models import AgendaItem, AgendaSource
from meetings.permissions import meetings_access, occurrence_in, require_organiser
from meetings.selectors import (
    circle_meetings,
    circle_time_zone,
    feed_occurrences,
    meeting_page,
    my_meetings,
)
from members.local_time import zone_of


def _form_refused(form, error: ValidationError) -> None:
    form.add_error(None, error)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def meeting_list(request, slug):
    access = meetings_access(request.user, slug)
    context = {"circle": access.circle, "access": access, **circle_meetings(circle=access.circle)}
    return render(request, "meetings/list.html", context)


@login_required
@resubmission_lands_on_first
def meeting_schedule(request, slug):
    access = meetings_access(request.user, slug)
    require_organiser(access)
    form = ScheduleForm(
        request.POST or None,
        own_zone=zone_of(request.user).key,
        circle_zone=circle_time_zone(access.circle),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = once_create(request, lambda: _scheduled(access, form), url_of=_first_url)
        except ValidationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, f"Scheduled: {meeting.title}.")
            return redirect(meeting.occurrences.order_by("starts_at").first())
    return render(request, "meetings/schedule.html", {"circle": access.circle, "form": form})


def _first_url(meeting) -> str:
    return meeting.occurrences.order_by("starts_at").first().get_absolute_url()


def _scheduled(access, form):
    data = form.cleaned_data
    return services.meeting_schedule(
        access=access,
        title=data["title"],
        time_zone=data["time_zone"],
        first_local=data["first_local"],
        duration_minutes=form.duration_minutes,
        repeat=data["repeat"],
        count=data["count"],
        place=data["place"],
        online_url=data["online_url"],
    )


@login_required
def meeting_detail(request, slug, pk):
    access = meetings_access(request.user, slug)
    occurrence = occurrence_in(access, pk)
    page = meeting_page(access=access, occurrence=occurrence)
    context = {
        "circle": access.circle,
        "access": access,
        "page": page,
        "occurrence": occurrence,
        "attendance_form": AttendanceForm(
            roster=page.roster,
            initial={"present": [str(m.pk) for m in page.attended], "notes": occurrence.notes},
        ),
        "agenda_form": AgendaItemForm(),
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def rsvp(request, slug, pk):
    access = meetings_access(request.user, slug)
    occurrence = occurrence_in(access, pk)
    form = RsvpForm(request.POST)
    if form.is_valid():
        services.rsvp_answer(
            access=access, occurrence=occurrence, answer=form.cleaned_data["answer"]
        )
        messages.success(request, "Thank you: your answer is saved.")
    else:
        messages.error(request, "Answer going or not going.")
    return redirect(occurrence)


@login_required
def occurrence_move(request, slug, pk):
    access = meetings_access(request.user, slug)
    require_organiser(access)
    occurrence = occurrence_in(access, pk)
    form = MoveForm.for_occurrence(occurrence, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.occurrence_move(
                access=access,
                occurrence=occurrence,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
            )
        except ValidationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, "The meeting is moved; members' calendars will follow.")
            return redirect(occurrence)
    context = {"circle": access.circle, "occurrence": occurrence, "form": form}
    return render(request, "meetings/move.html", context)


@login_required
@require_POST
def occurrence_cancel(request, slug, pk):
    access = meetings_access(request.user, slug)
    occurrence = occurrence_in(access, pk)
    try:
        services.occurrence_cancel(access=access, occurrence=occurrence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The meeting is cancelled; members' calendars will show it.")
    return redirect(occurrence)


@login_required
@require_POST
def attendance(request, slug, pk):
    access = meetings_access(request.user, slug)
    require_organiser(access)
    occurrence = occurrence_in(access, pk)
    page = meeting_page(access=access, occurrence=occurrence)
    form = AttendanceForm(request.POST, roster=page.roster)
    if form.is_valid():
        try:
            services.attendance_record(
                access=access,
                occurrence=occurrence,
                member_ids=form.member_ids(),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Attendance and notes saved.")
    else:
        messages.error(
            request, "Attendance was not saved: " + " ".join(form.errors.get("notes", []))
        )
    return redirect(occurrence)


@login_required
@require_POST
@resubmission_lands_on_first
def agenda_add(request, slug, pk):
    access = meetings_access(request.user, slug)
    occurrence = occurrence_in(access, pk)
    source = request.POST.get("source", AgendaSource.OTHER)
    log = _suggested_log(access, request.POST.get("log"))
    form = AgendaItemForm(request.POST)
    if source not in AgendaSource.values or not form.is_valid():
        messages.error(request, "Write the agenda item first (up to 300 characters).")
        return redirect(occurrence)
    text = form.cleaned_data["text"]
    once_create(
        request,
        lambda: services.agenda_item_add(
            access=access, occurrence=occurrence, text=text, source=source, log=log
        ),
        url_of=lambda _: f"{occurrence.get_absolute_url()}#agenda",
    )
    return redirect(f"{occurrence.get_absolute_url()}#agenda")


def _suggested_log(access, pk):
    if not pk:
        return None
    if not str(pk).isdigit():
        raise Http404("No such log.")
    log = get_object_or_404(ActionLog, pk=pk, circle=access.circle)
    if not access.can_view_log(log):
        raise Http404("No such log.")
    return log


@login_required
@require_POST
def agenda_item(request, slug, pk, item_pk):
    """Move an item up or down, or remove it."""
    access = meetings_access(request.user, slug)
    occurrence = occurrence_in(access, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, occurrence=occurrence)
    action = request.POST.get("action")
    if action == "remove":
        services.agenda_item_remove(access=access, item=item)
    elif action in ("up", "down"):
        services.agenda_item_move(access=access, item=item, up=action == "up")
    return redirect(f"{occurrence.get_absolute_url()}#agenda")


@login_required
def occurrence_ics(request, slug, pk):
    access = meetings_access(request.user, slug)
    occurrence = occurrence_in(access, pk)
    body = calendar_build([occurrence], name=f"{occurrence.meeting.title} ({access.circle.name})")
    return _ics(body, f"meeting-{occurrence.pk}.ics")


@login_required
def my_calendar(request):
    path = reverse("meetings:feed", kwargs={"token": feed_token_make(request.user)})
    feed_url = settings.SITE_URL + path  # the address emails use too
    context = {"feed_url": feed_url, "occurrences": my_meetings(user=request.user)}
    return render(request, "meetings/calendar.html", context)


@login_required
@require_POST
def calendar_revoke(request):
    services.calendar_revoke(member=request.user)
    messages.success(request, "Your old calendar link no longer works. Here is a new one.")
    return redirect("meetings:calendar")


def feed(request, token):
    """Her private feed, for calendar apps (no session: the signed link is the key)."""
    member = feed_member_read(token)
    if member is None:
        return HttpResponse(
            "This calendar link is not valid: it was changed, or revoked. Get a new link "
            "from your meetings page.",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    body = calendar_build(feed_occurrences(member=member), name="Circle meetings")
    response = _ics(body, "circle-meetings.ics")
    response["Cache-Control"] = "private, no-store"  # hers: never kept by a shared cache
    return response
