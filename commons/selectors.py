"""Reads for the commons' pages, shaped so templates run no query."""

from django.db.models import Count, Prefetch, Q, QuerySet

from commons.models import Lesson, LessonQuestion
from commons.permissions import AUTHOR_GONE, author_can_answer


def lessons_listed(*, role=None, tag: str = "") -> QuerySet:
    qs = Lesson.objects.listed()
    if role is not None:
        qs = qs.filter(role=role)
    if tag:
        qs = qs.filter(tags__name=tag.lower())
    return (
        qs.with_useful_count()
        .select_related("role", "author__profile")
        .prefetch_related("tags")
        .order_by("-shared_at", "-pk")
    )


def lesson_page(*, lesson: Lesson, user) -> dict:
    questions = list(
        LessonQuestion.objects.filter(lesson=lesson)
        .select_related("asker__profile")
        .order_by("created_at", "pk")
    )
    return {
        "lesson": lesson,
        "questions": questions,
        "is_author": lesson.author_id == user.pk,
        "author_gone": None if author_can_answer(lesson) else AUTHOR_GONE,
        "marked_useful": lesson.marks.filter(member=user).exists(),
    }


def lessons_from_circle(*, circle) -> QuerySet:
    """The listed lessons shared from the circle's logs, newest first (its facilitators'
    list: the author is not named where she chose her role and region only)."""
    return (
        Lesson.objects.listed()
        .filter(circle=circle)
        .select_related("role", "author__profile")
        .order_by("-shared_at", "-pk")
    )


def lessons_of(*, author) -> list[Lesson]:
    """Her lessons, newest first, with their unanswered questions."""
    return list(
        Lesson.objects.filter(author=author)
        .select_related("role", "author__profile")
        .annotate(
            useful_count=Count("marks", distinct=True),
            open_questions=Count(
                "questions", filter=Q(questions__answered_at__isnull=True), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=LessonQuestion.objects.filter(answered_at__isnull=True).order_by("pk"),
                to_attr="unanswered",
            )
        )
        .order_by("-shared_at", "-pk")
    )


def questions_waiting_for(*, author) -> int:
    """How many questions on her listed lessons she has not answered (her in-app notice)."""
    return LessonQuestion.objects.filter(
        lesson__author=author, lesson__state="shared", answered_at__isnull=True
    ).count()
