"""The commons: share a lesson from a published log, mark it useful, ask its author, answer,
withdraw (audited, the author told), report to staff."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from circles.identifiers import (
    IdentifierFinding,
    circle_names_for,
    identifiers_find,
    identifiers_scrub,
)
from circles.models import ActionLog
from circles.tags import tags_clean
from commons import signals
from commons.models import (
    Lesson,
    LessonMark,
    LessonQuestion,
    LessonReport,
    LessonState,
    LessonWithdrawal,
    WithdrawnBy,
)
from commons.permissions import (
    AUTHOR_GONE,
    author_can_answer,
    can_answer,
    can_ask,
    can_share_log,
    can_withdraw,
)
from members.models import User
from school.limits import model_limit

# What the author writes for the commons, in the order the identifier check reads it.
LESSON_FIELDS = ("title", "situation", "action", "outcome", "insight")


MUST_REMOVE_MESSAGE = (
    "The text has an NHS number in it. An NHS number identifies a patient whatever the text "
    "says around it: remove it before you share."
)


def lesson_initial(*, log: ActionLog) -> dict:
    """The lesson prefilled from the log, for her to edit before sharing."""
    return {
        "title": log.title,
        "situation": log.situation,
        "action": log.action,
        "outcome": log.outcome,
        "insight": log.insight,
    }


def lesson_findings(*, author: User, data: dict) -> list[tuple[str, IdentifierFinding]]:
    """What in the lesson's text could identify a patient or a colleague, by field."""
    names = circle_names_for(author)
    return [
        (name, finding)
        for name in LESSON_FIELDS
        for finding in identifiers_find(data.get(name) or "", names=names)
    ]


@transaction.atomic
def lesson_share(
    *, author: User, log: ActionLog, data: dict, tags: list[str], confirmed: bool
) -> Lesson:
    """Share a lesson from ``log`` to the commons. ``data`` holds the edited text
    (``LESSON_FIELDS``), ``credit``, ``role`` and ``region``. Anything the identifier check
    finds must be fixed, or ``confirmed`` by her after she has seen it."""
    if not can_share_log(author, log):
        raise PermissionDenied("Only the author of a published log can share its lesson.")
    findings = lesson_findings(author=author, data=data)
    if any(finding.must_remove for _, finding in findings):
        raise ValidationError(MUST_REMOVE_MESSAGE)
    if findings and not confirmed:
        raise ValidationError(
            "The text may identify someone: fix it, or confirm that what was found is safe."
        )
    if Lesson.objects.listed().filter(source_log=log).exists():
        raise ValidationError("The lesson of this log is already in the commons.")
    lesson = Lesson(author=author, source_log=log, circle_id=log.circle_id)
    for name in (*LESSON_FIELDS, "credit", "role", "region"):
        setattr(lesson, name, data.get(name) or ("" if name in LESSON_FIELDS else None))
    if (
        data.get("role") is not None
        and not author.profile.roles.filter(pk=data["role"].pk).exists()
    ):
        raise ValidationError({"role": "Choose one of the roles on your profile."})
    lesson.full_clean(exclude=["tags"])
    try:
        with transaction.atomic():
            lesson.save()
    except IntegrityError as error:
        raise ValidationError("The lesson of this log is already in the commons.") from error
    lesson.tags.set(tags_clean(tags))
    return lesson


def _scrub(lesson: Lesson) -> None:
    """Replace what the identifier check finds in the lesson's text with "[removed]": a
    lesson taken out of the commons keeps nothing that could identify someone."""
    names = circle_names_for(lesson.author)
    for name in LESSON_FIELDS:
        text = identifiers_scrub(getattr(lesson, name), names=names)
        setattr(lesson, name, text[: model_limit(Lesson, name)])


def _withdrawn_by(actor: User, lesson: Lesson) -> str:
    if lesson.author_id == actor.pk:
        return WithdrawnBy.AUTHOR
    return WithdrawnBy.STAFF if actor.is_staff else WithdrawnBy.FACILITATOR


@transaction.atomic
def lesson_withdraw(*, actor: User, lesson: Lesson, reason: str = "") -> LessonWithdrawal:
    """Take a lesson out of the commons. Its author may at any time; the facilitators of
    the circle it came from and staff give a reason, which is recorded and sent to her."""
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if not can_withdraw(actor, lesson):
        raise PermissionDenied("You cannot withdraw this lesson.")
    kind = _withdrawn_by(actor, lesson)
    reason = (reason or "").strip()
    if kind != WithdrawnBy.AUTHOR and not reason:
        raise ValidationError({"reason": "Please give the author a reason."})
    lesson.state = LessonState.WITHDRAWN
    lesson.withdrawn_at = timezone.now()
    _scrub(lesson)
    lesson.save()
    withdrawal = LessonWithdrawal.objects.create(
        lesson=lesson, actor=actor, actor_kind=kind, reason=reason
    )
    if kind != WithdrawnBy.AUTHOR:
        signals.lesson_withdrawn.send(sender=LessonWithdrawal, withdrawal=withdrawal)
    return withdrawal


@transaction.atomic
def lesson_mark_useful(*, member: User, lesson: Lesson, useful: bool = True) -> None:
    if not lesson.is_listed or lesson.author_id == member.pk:
        raise PermissionDenied("You cannot mark this lesson.")
    if useful:
        LessonMark.objects.get_or_create(lesson=lesson, member=member)
    else:
        LessonMark.objects.filter(lesson=lesson, member=member).delete()


def _clean_text(instance, name: str) -> None:
    limit = model_limit(type(instance), name)
    value = (getattr(instance, name) or "").strip()
    if not value:
        raise ValidationError({name: "Please write something."})
    if len(value) > limit:
        raise ValidationError({name: f"Please keep this to {limit} characters."})
    setattr(instance, name, value)


@transaction.atomic
def lesson_question_ask(*, asker: User, lesson: Lesson, body: str) -> LessonQuestion:
    """Ask the author: she hears of it in-app and by email; the asker never learns who she
    is unless she shared under her name."""
    if lesson.is_listed and not author_can_answer(lesson):
        raise ValidationError(AUTHOR_GONE)
    if not can_ask(asker, lesson):
        raise PermissionDenied("You cannot ask a question on this lesson.")
    question = LessonQuestion(lesson=lesson, asker=asker, body=body)
    _clean_text(question, "body")
    question.save()
    signals.lesson_question_asked.send(sender=LessonQuestion, question=question)
    return question


@transaction.atomic
def lesson_question_answer(*, author: User, question: LessonQuestion, answer: str):
    if not can_answer(author, question):
        raise PermissionDenied("Only the lesson's author can answer.")
    question.answer = answer
    _clean_text(question, "answer")
    first = question.answered_at is None
    question.answered_at = timezone.now()
    question.save()
    if first:
        signals.lesson_question_answered.send(sender=LessonQuestion, question=question)
    return question


@transaction.atomic
def lesson_report(*, reporter: User, lesson: Lesson, reason: str) -> LessonReport:
    """Report a lesson to the school's staff."""
    if not lesson.is_listed:
        raise PermissionDenied("This lesson is not in the commons.")
    report = LessonReport(lesson=lesson, reporter=reporter, reason=reason)
    _clean_text(report, "reason")
    report.save()
    signals.lesson_reported.send(sender=LessonReport, report=report)
    return report
