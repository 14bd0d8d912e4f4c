"""Peer responses to a published log: questions first (Revans), then reflections,
resources and suggestions; and replies to a response, one level deep (the log's author
answers a question with a reply). Only the log's author marks a response helpful."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from circles.models import REPLY, ActionLog, Response
from circles.permissions import (
    can_edit_response,
    can_reply,
    can_respond,
    can_view_response,
    log_takes_writing,
)
from circles.services.logs import check_text_lengths, mentions_announce
from circles.signals import response_posted
from members.models import User


@transaction.atomic
def response_create(*, author: User, log: ActionLog, kind: str, body: str) -> Response:
    if not can_respond(author, log):
        raise PermissionDenied("You cannot respond to this log.")
    return _post(Response(log=log, author=author, kind=kind, body=body))


@transaction.atomic
def reply_create(*, author: User, response: Response, body: str) -> Response:
    """Reply to a response, shown under it. Replies go one level deep and have no kind."""
    if not can_reply(author, response):
        raise PermissionDenied("You cannot reply to this response.")
    return _post(Response(log=response.log, parent=response, author=author, kind=REPLY, body=body))


def _post(response: Response) -> Response:
    """Check, save and announce a new response or reply. Announced in the transaction:
    "someone responded" is queued after commit (a broker outage never fails this request;
    the periodic sweep sends it later), and the log's author and a replied-to response's
    author hear; so do the members it mentions."""
    response.created_at = timezone.now()
    check_text_lengths(response, ["body"])
    response.full_clean()
    response.save()
    response_posted.send(sender=Response, response=response)
    mentions_announce(actor=response.author, log=response.log, response=response)
    return response


@transaction.atomic
def response_update(*, author: User, response: Response, body: str, kind: str) -> Response:
    """Change one's own response or reply (a reply keeps no kind); a change is marked
    edited (``edited_at``)."""
    if not can_edit_response(author, response) or not log_takes_writing(author, response.log):
        raise PermissionDenied("You cannot change this response.")
    if response.is_reply:
        kind = REPLY
    if response.body != body or response.kind != kind:
        told_before = list(response.mentioned_ids)
        response.body = body
        response.kind = kind
        response.edited_at = timezone.now()
        check_text_lengths(response, ["body"])
        response.full_clean()
        response.save()
        mentions_announce(actor=author, log=response.log, response=response, before=told_before)
    return response


@transaction.atomic
def response_mark_helpful(*, actor: User, response: Response, helpful: bool = True) -> Response:
    """The log's author says a response helped them (or takes that back)."""
    log = response.log
    if log.author_id != actor.pk or not can_view_response(actor, response):
        raise PermissionDenied("Only the log's author can mark a response helpful.")
    if response.author_id == actor.pk:
        raise PermissionDenied("You cannot mark your own response helpful.")
    if response.is_reply:
        raise PermissionDenied("Mark the response helpful, not a reply to it.")
    if helpful and response.helpful_at is None:
        response.helpful_at = timezone.now()
    elif not helpful:
        response.helpful_at = None
    else:
        return response
    response.save(update_fields=["helpful_at"])
    return response
