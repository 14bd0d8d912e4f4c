"""Receivers of what circles announces (connected in ``NotificationsConfig.ready``). They
only record and enqueue; the emails are written and sent by the tasks."""

from notifications.services.responses import response_email_enqueue


def response_posted(sender, *, response, **kwargs) -> None:
    """ "Someone responded": queued after commit, batched, never for the response's author."""
    response_email_enqueue(response=response)
