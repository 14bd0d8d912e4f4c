"""The commons: browse and read lessons, mark one useful, ask its author, answer, share
a lesson from one's log, withdraw, report. Who may do what: ``commons.permissions``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from circles.models import ActionLog
from circles.once import once_made, resubmission_lands_on_first
from commons import selectors, services
from commons.forms import (
    AnswerForm,
    BrowseForm,
    LessonShareForm,
    QuestionForm,
    ReasonForm,
    text_fingerprint,
)
from commons.models import Lesson, LessonQuestion
from commons.permissions import can_share_log, lesson_for, shows_withdraw
from commons.signals import lesson_seen
from school.redirects import safe_next_url

PER_PAGE = 20


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def browse(request):
    form = BrowseForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    lessons = selectors.lessons_listed(role=data.get("role"), tag=data.get("tag") or "")
    page = Paginator(lessons, PER_PAGE).get_page(request.GET.get("page"))
    waiting = selectors.questions_waiting_for(author=request.user)
    return render(request, "commons/browse.html", {"form": form, "page": page, "waiting": waiting})


@login_required
def lesson_detail(request, pk, *, question_form=None):
    lesson = lesson_for(request.user, pk)
    context = selectors.lesson_page(lesson=lesson, user=request.user)
    context["question_form"] = question_form or QuestionForm()
    context["can_withdraw"] = shows_withdraw(request.user, lesson)
    lesson_seen.send(sender=Lesson, user=request.user, lesson=lesson)
    return render(request, "commons/lesson.html", context)


def _log_to_share(request, log_pk) -> ActionLog:
    log = ActionLog.objects.visible_to(request.user).filter(pk=log_pk).first()
    if log is None:
        raise Http404("No such log.")
    if not can_share_log(request.user, log):
        raise PermissionDenied("Only the author of a published log can share its lesson.")
    return log


def _shared(request, form, log, *, confirmed: bool):
    """The lesson shared from the valid form, or None with the refusal on the form."""
    data = form.cleaned_data
    try:
        share = once_made(request, services.lesson_share)
        return share(author=request.user, log=log, data=data,
                     tags=data["tags"], confirmed=confirmed)  # fmt: skip
    except ValidationError as error:
        _add_errors(form, error)
        return None


def _share_initial(log: ActionLog) -> dict:
    tags = ", ".join(tag.name for tag in log.tags.all())
    return {**services.lesson_initial(log=log), "tags": tags}


@login_required
@require_http_methods(["GET", "POST"])
@resubmission_lands_on_first
def lesson_share(request, log_pk):
    """The lesson prefilled from the log, checked for identifiers each time it is shown;
    shared once nothing is found, or what was found is confirmed for this very text."""
    log = _log_to_share(request, log_pk)
    initial = _share_initial(log)
    form = LessonShareForm(request.POST or None, initial=initial, author=request.user)
    valid = request.method == "POST" and form.is_valid()
    text = form.cleaned_data if valid else request.POST if form.is_bound else initial
    findings = services.lesson_findings(author=request.user, data=text)
    form.mark_findings(findings)
    if valid and (not findings or form.confirmed_for_this_text()):
        lesson = _shared(request, form, log, confirmed=bool(findings))
        if lesson is not None:
            messages.success(
                request, "Your lesson is in the commons. You can withdraw it any time."
            )
            return redirect(lesson)
    context = {"form": form, "log": log, "findings": findings, "checked": text_fingerprint(text),
               "must_remove": any(finding.must_remove for _, finding in findings)}  # fmt: skip
    return render(request, "commons/share.html", context)


@login_required
@require_POST
def lesson_useful(request, pk):
    lesson = lesson_for(request.user, pk)
    useful = request.POST.get("useful", "1") != "0"
    services.lesson_mark_useful(member=request.user, lesson=lesson, useful=useful)
    messages.success(request, "Marked as useful." if useful else "No longer marked as useful.")
    return redirect(lesson)


@login_required
@require_POST
@resubmission_lands_on_first
def lesson_ask(request, pk):
    lesson = lesson_for(request.user, pk)
    form = QuestionForm(request.POST)
    ask = once_made(
        request, services.lesson_question_ask, url_of=lambda _: lesson.get_absolute_url()
    )
    if form.is_valid():
        try:
            ask(asker=request.user, lesson=lesson, body=form.cleaned_data["body"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # nobody is left to answer: the page says so
                messages.error(request, error.messages[0])
                return redirect(lesson)
            _add_errors(form, error)
        else:
            messages.success(request, "Your question is on its way to the author.")
            return redirect(lesson)
    return lesson_detail(request, pk, question_form=form)


@login_required
@require_POST
def question_answer(request, pk):
    question = get_object_or_404(LessonQuestion.objects.select_related("lesson"), pk=pk)
    lesson = lesson_for(request.user, question.lesson_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.lesson_question_answer(author=request.user, question=question,
                                            answer=form.cleaned_data["answer"])  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your answer is posted under the lesson.")
    else:
        messages.error(request, "Please write your answer.")
    return redirect(lesson)


def _reason_page(request, pk, *, template, service, done, **kwargs):
    lesson = lesson_for(request.user, pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service(lesson=lesson, reason=form.cleaned_data["reason"], **kwargs)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(_after(request, lesson, reported="reporter" in kwargs))
    return render(request, template, {"lesson": lesson, "form": form})


def _after(request, lesson, *, reported: bool) -> str:
    """Back to the lesson after a report; after a withdrawal, to the page she came from
    (``next``) or where she can see it."""
    if reported:
        return lesson.get_absolute_url()
    mine = lesson.author_id == request.user.pk
    return safe_next_url(request, reverse("commons:mine" if mine else "commons:browse"))


@login_required
@require_http_methods(["GET", "POST"])
def lesson_withdraw(request, pk):
    return _reason_page(request, pk, template="commons/withdraw.html",
                        service=services.lesson_withdraw, actor=request.user,
                        done="The lesson is withdrawn from the commons.")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def lesson_report(request, pk):
    return _reason_page(request, pk, template="commons/report.html",
                        service=services.lesson_report, reporter=request.user,
                        done="Thank you: the school's staff will look at it.")  # fmt: skip


@login_required
def my_lessons(request):
    return render(
        request, "commons/mine.html", {"lessons": selectors.lessons_of(author=request.user)}
    )
