"""Receivers of what circles announces (connected in ``NotificationsConfig.ready``). They
only record and enqueue; the emails are written and sent by the tasks."""

from notifications.services.moderation import moderation_email_record
from notifications.services.responses import response_email_enqueue


def response_posted(sender, *, response, **kwargs) -> None:
    """ "Someone responded": queued after commit, batched, never for the response's author."""
    response_email_enqueue(response=response)


def content_moderated(sender, *, actor, log, response, hidden: bool, reason: str, **kwargs):
    """ "A facilitator hid (or restored) what you wrote": recorded, queued after commit."""
    moderation_email_record(actor=actor, log=log, response=response, hidden=hidden, reason=reason)
