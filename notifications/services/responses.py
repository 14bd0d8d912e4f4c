""" "Someone responded to your log": one email per burst of responses and replies.

``response_create`` and ``reply_create`` (circles.services.responses) announce
``circles.signals.response_posted`` inside their transaction, and its receiver calls
``response_email_enqueue``; once the transaction commits a task is published,
for each recipient (the log's author; for a reply, also the author of the response it
answers), with a countdown of ``BATCH_SECONDS``. When it runs it sends every response not
yet notified to that recipient in one email, so a burst of responses within a few minutes
becomes one email (later tasks of the burst find nothing left). The database is the source
of truth: when the broker is down nothing is published, and ``response_emails_sweep`` finds
the responses later.
"""

import datetime as dt
import logging
import uuid
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from circles.models import LogState, Response
from circles.text import excerpt_html, excerpt_text
from members.models import User
from notifications import emails
from notifications.claims import claimed_send
from notifications.inbox import reply_to
from notifications.models import (
    DeliveryStatus,
    Notification,
    ResponseNotification,
    claims_stale,
)
from notifications.selectors import reachable_members
from school.enqueue import task_enqueue_on_commit

logger = logging.getLogger(__name__)

BATCH_SECONDS = 5 * 60


def batch_seconds() -> int:
    """How long a burst may last before its email goes out
    (``settings.NOTIFICATIONS_RESPONSE_BATCH_SECONDS``, default five minutes)."""
    return getattr(settings, "NOTIFICATIONS_RESPONSE_BATCH_SECONDS", BATCH_SECONDS)


LOOKBACK = dt.timedelta(days=3)


def response_email_enqueue(*, response: Response) -> None:
    """After commit, queue the email to each recipient (``Response.recipient_ids``).
    Publishing never raises: a broker outage only delays the email until the sweep."""
    for recipient_id in response.recipient_ids:
        task_enqueue_on_commit(
            "notifications.response_emails_send", recipient_id, countdown=batch_seconds()
        )


def _for_recipient(recipient_id) -> Q:
    """Responses on the recipient's logs, and replies to the recipient's responses."""
    return Q(log__author_id=recipient_id) | Q(parent__author_id=recipient_id)


def _pending_for(recipient: User, *, now: dt.datetime):
    """Responses on the recipient's logs and replies to the recipient's responses, by
    someone else, that the recipient may see and no email to them has covered yet."""
    return (
        Response.objects.visible_to(recipient)
        .filter(
            _for_recipient(recipient.pk),
            log__state=LogState.PUBLISHED,
            log__is_hidden=False,
            is_hidden=False,
            created_at__gte=now - LOOKBACK,
        )
        .exclude(parent__is_hidden=True)
        .exclude(author=recipient)
        .exclude(notifications__recipient=recipient)
    )


def response_emails_send(*, recipient_id: int, token: str | None = None) -> int:
    """Send the recipient one email covering every response not yet notified. Claims a
    ``ResponseNotification`` per response first; a failed send deletes the claims and
    re-raises (the task retries). Returns how many responses the email covered."""
    token = token or uuid.uuid4().hex
    now = timezone.now()
    recipient = User.objects.select_related("profile").filter(pk=recipient_id).first()
    if recipient is None:
        return 0
    pending = list(_pending_for(recipient, now=now).values_list("pk", flat=True))
    if not pending:
        return 0
    wants = (
        reachable_members().filter(pk=recipient.pk, profile__response_emails_enabled=True).exists()
    )
    seen = _seen_in_app(recipient=recipient, response_ids=pending)
    unseen = [pk for pk in pending if pk not in seen]
    _claims_create(recipient=recipient, response_ids=unseen, wants=wants, token=token, now=now)
    _claims_create(recipient=recipient, response_ids=list(seen), wants=False, token=token, now=now)
    if not (wants and unseen):
        return 0
    claimed = ResponseNotification.objects.filter(
        recipient=recipient, claim_token=token, status=DeliveryStatus.SENDING
    )
    responses = list(
        Response.objects.filter(notifications__in=claimed)
        .select_related("author__profile", "log__circle", "parent__author__profile")
        .order_by("log_id", "created_at")
    )
    if not responses:
        return 0
    claimed_send(_message_build(recipient=recipient, responses=responses), claimed)
    return len(responses)


def _seen_in_app(*, recipient: User, response_ids: list) -> set:
    """The responses she has already seen in the app (opened their notification, or the
    log's page after they were posted): the email leaves them out."""
    return set(
        Notification.objects.filter(
            recipient=recipient, response_id__in=response_ids, read_at__isnull=False
        ).values_list("response_id", flat=True)
    )


def _claims_create(*, recipient: User, response_ids: list, wants: bool, token: str, now) -> None:
    """One claim per response: being sent, or skipped when the recipient wants no email."""
    status = DeliveryStatus.SENDING if wants else DeliveryStatus.SKIPPED
    with transaction.atomic():
        ResponseNotification.objects.bulk_create(
            [
                ResponseNotification(
                    response_id=pk,
                    recipient=recipient,
                    status=status,
                    claim_token=token,
                    claimed_at=now,
                )
                for pk in response_ids
            ],
            ignore_conflicts=True,
        )


def _message_build(*, recipient: User, responses: list):
    """The email: the responses grouped by log, in the order they were written."""
    logs = []
    for log, items in groupby(responses, key=lambda r: r.log):
        logs.append(
            {
                "log": log,
                "url": emails.log_url(log),
                "responses": [
                    {
                        "response": r,
                        "reply_to": reply_to(r, reader_id=recipient.pk),
                        "url": emails.log_url(log) + f"#response-{r.pk}",
                        "excerpt": excerpt_text(r.body_html, 240, base_url=settings.SITE_URL),
                        "excerpt_html": excerpt_html(r.body_html, 60),
                    }
                    for r in items
                ],
            }
        )
    return emails.message_build(
        template="responses",
        context={
            "member": recipient,
            "logs": logs,
            "count": len(responses),
            # False when it holds a reply to the recipient's response on someone else's log.
            "on_own_logs": all(r.log.author_id == recipient.pk for r in responses),
            "has_replies": any(r.is_reply for r in responses),
        },
        to=recipient.email,
        member_id=recipient.pk,
        email_type="responses",
    )


def response_emails_sweep(*, now: dt.datetime | None = None) -> int:
    """Send what a lost (or never published) task left behind: responses older than the
    batching window that no email to a recipient has covered. A failed send is logged and
    left for the next sweep; it does not stop the others. Returns how many emails were
    sent."""
    now = now or timezone.now()
    # A claim whose worker died before sending (or marking it sent) is released.
    claims_stale(ResponseNotification, now=now).delete()
    unsent = Response.objects.filter(
        is_hidden=False,
        log__state=LogState.PUBLISHED,
        log__is_hidden=False,
        created_at__gte=now - LOOKBACK,
        created_at__lte=now - dt.timedelta(seconds=batch_seconds()),
    ).exclude(parent__is_hidden=True)
    recipients = set()
    for who in ("log__author_id", "parent__author_id"):
        told = ResponseNotification.objects.filter(response=OuterRef("pk"), recipient=OuterRef(who))
        recipients |= set(
            unsent.filter(**{f"{who}__isnull": False})
            .exclude(author_id=F(who))
            .exclude(Exists(told))
            .values_list(who, flat=True)
            .distinct()
        )
    sent = 0
    for recipient_id in sorted(recipients):
        try:
            covered = response_emails_send(recipient_id=recipient_id)
        except Exception:  # released; the next sweep tries again. The others still go.
            logger.exception("Response email to member %s failed", recipient_id)
            continue
        if covered:
            sent += 1
    return sent
