"""Receivers of what circles and the commons announce (connected in
``NotificationsConfig.ready``). They only record and enqueue; the emails are written and
sent by the tasks."""

from notifications.inbox import bell_reads
from notifications.models import Verb
from notifications.services import inbox
from notifications.services.commons import commons_email_enqueue
from notifications.services.mentions import mention_emails_enqueue
from notifications.services.moderation import moderation_email_record
from notifications.services.responses import response_email_enqueue


def response_posted(sender, *, response, **kwargs) -> None:
    """ "Someone responded": in the app at once; by email queued after commit, batched,
    never for the response's author."""
    inbox.response_notifications_record(response=response)
    response_email_enqueue(response=response)


def content_moderated(sender, *, actor, log, response, hidden: bool, reason: str, **kwargs):
    """ "A facilitator hid (or restored) what you wrote": recorded, queued after commit."""
    target = response if response is not None else log
    inbox.content_moderated_forget(log=log, response=response)
    inbox.notifications_record(
        recipient_ids=[target.author_id],
        verb=Verb.HIDDEN if hidden else Verb.RESTORED,
        actor=actor,
        log=log,
        response=response,
        reason=reason,
    )
    moderation_email_record(actor=actor, log=log, response=response, hidden=hidden, reason=reason)


def join_request_decided(sender, *, actor, membership, admitted: bool, reason: str = "", **kw):
    inbox.notifications_record(
        recipient_ids=[membership.member_id],
        verb=Verb.JOIN_ADMITTED if admitted else Verb.JOIN_DECLINED,
        actor=actor,
        circle=membership.circle,
        reason=reason,
    )


def join_requested(sender, *, membership, **kwargs) -> None:
    inbox.facilitators_notify(
        circle=membership.circle, verb=Verb.JOIN_REQUESTED, actor=membership.member
    )


def report_filed(sender, *, reporter, circle, log, response, **kwargs) -> None:
    inbox.facilitators_notify(
        circle=circle, verb=Verb.REPORT_FILED, actor=reporter, log=log, response=response
    )


def report_decided(sender, *, log, response, **kwargs) -> None:
    """A decision on reported content is read, for every facilitator told of the report."""
    inbox.report_notifications_read(log=log, response=response)


def mentioned(sender, *, actor, log, response, member_ids, **kwargs) -> None:
    """In the app at once; by email (per her preferences) queued after commit."""
    made = inbox.mention_notifications_record(
        actor=actor, log=log, response=response, member_ids=member_ids
    )
    mention_emails_enqueue(notifications=made)


def log_seen(sender, *, user, log_id, request=None, **kwargs) -> None:
    inbox.log_notifications_read(user=user, log_id=log_id, known=bell_reads(request))


CONNECTED = (
    "response_posted", "content_moderated", "join_request_decided", "join_requested",
    "report_filed", "report_decided", "mentioned", "log_seen",
)  # fmt: skip


def commons_event(event: str):
    """A receiver of a ``commons.signals`` signal: queue the event's email after commit."""

    def receive(sender, **kwargs) -> None:
        row = kwargs.get("question") or kwargs.get("withdrawal") or kwargs.get("report")
        commons_email_enqueue(event=event, pk=row.pk)

    return receive


def lesson_question(event: str, *, answered: bool):
    """A receiver of a question asked or answered: in the app at once (the author, or the
    asker), by email queued after commit."""
    email = commons_event(event)

    def receive(sender, *, question, **kwargs) -> None:
        inbox.lesson_question_notification_record(question=question, answered=answered)
        email(sender, question=question, **kwargs)

    return receive


def lesson_seen(sender, *, user, lesson, **kwargs) -> None:
    inbox.lesson_notifications_read(user=user, lesson=lesson)


COMMONS_EVENTS = {
    "lesson_question_asked": lesson_question("question", answered=False),
    "lesson_question_answered": lesson_question("answer", answered=True),
    "lesson_withdrawn": commons_event("withdrawal"),
    "lesson_reported": commons_event("report"),
    "lesson_seen": lesson_seen,
}
