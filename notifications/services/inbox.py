"""Writing the in-app notifications: recorded by the receivers of what circles and the
commons announce (in the transaction that made the change), marked read when she opens
one, all at once, or opens the log or lesson they are about, and purged once read and
old."""

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from circles.models import ActionLog, Circle, Membership, MembershipState, Response
from commons.models import Lesson, LessonQuestion
from members.models import User
from notifications.inbox import bell_forget, bell_unread_about
from notifications.models import Notification, Verb
from school.limits import model_limit

PURGE_AFTER = dt.timedelta(days=90)


def _bells_forget(rows: list[Notification]) -> None:
    """Drop the recipients' cached bells now, and again once the rows are committed: a
    bell read in between kept the state from before."""
    _recipients_bells_forget({row.recipient_id for row in rows})


def _recipients_bells_forget(recipients: set[int]) -> None:
    bell_forget(recipients)
    transaction.on_commit(partial(bell_forget, recipients))


def notifications_record(
    *,
    recipient_ids: Iterable[int],
    verb: str,
    circle: Circle | None = None,
    actor: User | None = None,
    log: ActionLog | None = None,
    response: Response | None = None,
    lesson: Lesson | None = None,
    reason: str = "",
) -> list[Notification]:
    """One notification for each recipient other than the actor."""
    if response is not None:
        log = response.log
    if log is not None:
        circle = log.circle
    actor_id = actor.pk if actor is not None else None
    rows = [
        Notification(
            recipient_id=pk,
            verb=verb,
            actor_id=actor_id,
            circle=circle,
            log=log,
            response=response,
            lesson=lesson,
            reason=reason[: model_limit(Notification, "reason")],
        )
        for pk in dict.fromkeys(recipient_ids)
        if pk != actor_id
    ]
    _bells_forget(rows)
    return Notification.objects.bulk_create(rows)


def response_notifications_record(*, response: Response) -> list[Notification]:
    """The log's author hears of a response; for a reply, also the replied-to author."""
    log = response.log
    made = []
    for pk in response.recipient_ids:
        verb = Verb.RESPONDED if pk == log.author_id else Verb.REPLIED
        made += notifications_record(
            recipient_ids=[pk], verb=verb, actor=response.author, response=response
        )
    return made


def mention_notifications_record(
    *, actor: User, log: ActionLog, response: Response | None, member_ids: Iterable[int]
) -> list[Notification]:
    """Mentioned members who are (still) active members of the circle, nobody else; not
    those the response already tells (its log's author, the replied-to author)."""
    members = set(
        Membership.objects.filter(
            circle_id=log.circle_id, member_id__in=list(member_ids), state=MembershipState.ACTIVE
        ).values_list("member_id", flat=True)
    )
    told = set(response.recipient_ids) if response is not None else set()
    wanted = [pk for pk in member_ids if pk in members and pk not in told]
    return notifications_record(
        recipient_ids=wanted, verb=Verb.MENTIONED, actor=actor, log=log, response=response
    )


def lesson_question_notification_record(
    *, question: LessonQuestion, answered: bool
) -> list[Notification]:
    """A question tells the lesson's author who asked (as the lesson page does); her answer
    tells the asker, naming nobody (a lesson credited by role and region keeps its author
    unknown). Neither names a circle."""
    lesson = question.lesson
    if answered:
        return notifications_record(
            recipient_ids=[question.asker_id], verb=Verb.LESSON_ANSWER, lesson=lesson
        )
    return notifications_record(
        recipient_ids=[lesson.author_id],
        verb=Verb.LESSON_QUESTION,
        actor=question.asker,
        lesson=lesson,
    )


def facilitators_notify(*, circle: Circle, verb: str, actor: User, **about) -> list[Notification]:
    """The circle's active facilitators, for a request to join or a report."""
    ids = (
        Membership.objects.facilitators().filter(circle=circle).values_list("member_id", flat=True)
    )
    return notifications_record(
        recipient_ids=list(ids), verb=verb, circle=circle, actor=actor, **about
    )


def commitments_due_record(*, logs: list[ActionLog]) -> list[Notification]:
    """ "Your next step is due" in the app, once per log."""
    told = set(
        Notification.objects.filter(
            verb=Verb.COMMITMENT_DUE, log__in=[log.pk for log in logs]
        ).values_list("log_id", flat=True)
    )
    rows = [
        Notification(
            recipient_id=log.author_id, verb=Verb.COMMITMENT_DUE, circle_id=log.circle_id, log=log
        )
        for log in logs
        if log.pk not in told
    ]
    _bells_forget(rows)
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def notification_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        bell_forget([notification.recipient_id])


def notifications_read_all(*, user: User) -> int:
    """Mark every unread notification of hers read. Returns how many."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    bell_forget([user.pk])
    return count


def log_notifications_read(*, user: User, log_id: int, known: dict | None = None) -> int:
    """She opened the log: what it said by now (its responses, mentions) counts as seen."""
    if not user.is_authenticated or not bell_unread_about(user, int(log_id), known):
        return 0  # nothing unread about it: no write
    count = Notification.objects.filter(
        recipient=user, log_id=int(log_id), read_at__isnull=True
    ).update(read_at=timezone.now())
    if count:
        bell_forget([user.pk], known)
    return count


def report_notifications_read(*, log: ActionLog | None, response: Response | None) -> int:
    """What was reported has been decided on: the report's notification is read for every
    facilitator it told. Returns how many were marked."""
    about = {"response": response} if response is not None else {"log": log, "response": None}
    unread = Notification.objects.filter(verb=Verb.REPORT_FILED, read_at__isnull=True, **about)
    recipients = list(unread.values_list("recipient_id", flat=True))
    count = unread.update(read_at=timezone.now())
    if count:
        _recipients_bells_forget(set(recipients))
    return count


def lesson_notifications_read(*, user: User, lesson: Lesson) -> int:
    """She opened the lesson: its questions and answers to her count as seen."""
    if not user.is_authenticated:
        return 0
    count = Notification.objects.filter(recipient=user, lesson=lesson, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        bell_forget([user.pk])
    return count


def content_moderated_forget(*, log: ActionLog | None, response: Response | None) -> None:
    """What was hidden or restored changes who sees their notifications about it."""
    about = {"response": response} if response is not None else {"log": log}
    bell_forget(Notification.objects.filter(**about).values_list("recipient_id", flat=True))


def notifications_purge(*, now: dt.datetime | None = None) -> int:
    """Delete read notifications older than ``PURGE_AFTER``. Returns how many."""
    cutoff = (now or timezone.now()) - PURGE_AFTER
    deleted, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted
