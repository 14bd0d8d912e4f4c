"""Who may do what in the commons, in one place: every page, email and search uses these
(search filters lessons with ``Lesson.objects.listed``)."""

from django.http import Http404

from circles.models import ActionLog, Membership, MembershipKind, MembershipState
from commons.models import Lesson, LessonQuestion


def can_share_log(user, log: ActionLog) -> bool:
    """Its author, once it is published, unless a facilitator has hidden it."""
    return (
        user.is_authenticated
        and log.author_id == user.pk
        and log.is_published
        and not log.is_hidden
    )


def can_browse(user) -> bool:
    """Every signed-in, onboarded member (onboarding is enforced before any page)."""
    return user.is_authenticated


def lesson_for(user, pk: int) -> Lesson:
    """A listed lesson for anyone signed in; a withdrawn one only for its author and staff;
    404 otherwise."""
    lesson = (
        Lesson.objects.filter(pk=pk)
        .with_useful_count()
        .select_related("role", "author__profile")
        .prefetch_related("tags")
        .first()
    )
    if lesson is None or not can_browse(user):
        raise Http404("No such lesson.")
    if not lesson.is_listed and not (user.is_staff or lesson.author_id == user.pk):
        raise Http404("No such lesson.")
    return lesson


def can_withdraw(user, lesson: Lesson) -> bool:
    """Its author, staff, and the active facilitators of the circle it came from."""
    if not user.is_authenticated or not lesson.is_listed:
        return False
    if user.is_staff or lesson.author_id == user.pk:
        return True
    return (
        lesson.circle_id is not None
        and Membership.objects.filter(
            member=user,
            circle_id=lesson.circle_id,
            state=MembershipState.ACTIVE,
            kind=MembershipKind.FACILITATOR,
        ).exists()
    )


def shows_withdraw(user, lesson: Lesson) -> bool:
    """Whether the lesson page offers her "Withdraw". A lesson credited by role and region
    offers it only to its author and staff: were it offered to the facilitators of the
    circle it came from, the page would tell them where it came from. They withdraw it
    from their circle's lessons page (``facilitation:lessons``), where they know the
    circle already."""
    if lesson.is_anonymous and not (user.is_staff or lesson.author_id == user.pk):
        return False
    return can_withdraw(user, lesson)


AUTHOR_GONE = (
    "The author has left the school, so nobody can answer questions on this lesson any more."
)


def author_can_answer(lesson: Lesson) -> bool:
    """Whether anyone is left to answer: not once her account is deleted (or being deleted,
    or closed), when the lesson belongs to an inactive account. Needs ``author`` loaded."""
    return lesson.author.is_active


def can_ask(user, lesson: Lesson) -> bool:
    return (
        user.is_authenticated
        and lesson.is_listed
        and lesson.author_id != user.pk
        and author_can_answer(lesson)
    )


def can_answer(user, question: LessonQuestion) -> bool:
    return user.is_authenticated and question.lesson.author_id == user.pk
