"""Telling an author about a facilitator's decision on what they wrote: hidden, with the
reason, or restored.

``content_hide`` and ``content_restore`` (facilitation.services) announce
``circles.signals.content_moderated`` inside their transaction; its receiver calls
``moderation_email_record``, which records the decision as a ``ModerationNotification``
(in that transaction) and publishes the task once it commits. The row is claimed before
the email is sent and released if the send fails, so a re-run sends nothing twice; the
sweep finds the rows whose task was lost.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from circles.models import ActionLog, Response
from circles.permissions import can_view_log, can_view_response
from circles.text import excerpt_html, excerpt_text
from members.models import User
from notifications import emails
from notifications.models import DeliveryStatus, ModerationNotification, claims_stale
from notifications.selectors import reachable_members
from school.enqueue import task_enqueue_on_commit
from school.limits import model_limit

# The preference that covers emails about what a member wrote (responses to it, and
# facilitators' decisions on it), and the unsubscribe type that turns it off.
EMAIL_TYPE = "responses"
PREFERENCE = "profile__response_emails_enabled"
LOOKBACK = dt.timedelta(days=3)
GRACE = dt.timedelta(minutes=2)  # the task's own time to run before the sweep steps in
UNSENT = ("", DeliveryStatus.FAILED)


def moderation_email_record(
    *,
    actor: User,
    log: ActionLog | None,
    response: Response | None,
    hidden: bool,
    reason: str,
) -> ModerationNotification | None:
    """Record that the author of ``log`` or ``response`` is owed an email about a decision
    on it, and queue it after commit. Never for a facilitator deciding on her own writing."""
    target = response if response is not None else log
    if target.author_id == actor.pk:
        return None
    notification = ModerationNotification.objects.create(
        recipient_id=target.author_id,
        circle=log.circle if log is not None else response.log.circle,
        log=log,
        response=response,
        hidden=hidden,
        reason=reason[: model_limit(ModerationNotification, "reason")],
    )
    task_enqueue_on_commit("notifications.moderation_email_send", notification.pk)
    return notification


def _claim(*, notification_id: int, status: str, token: str) -> bool:
    return bool(
        ModerationNotification.objects.filter(pk=notification_id, status__in=UNSENT).update(
            status=status, claim_token=token, claimed_at=timezone.now()
        )
    )


def _context(notification: ModerationNotification) -> dict:
    response = notification.response
    log = response.log if response is not None else notification.log
    text = response.body_html if response is not None else log.situation_html
    url = emails.log_url(log) + (f"#response-{response.pk}" if response is not None else "")
    return {
        "hidden": notification.hidden,
        "kind": "log" if response is None else "reply" if response.is_reply else "response",
        "log": log,
        "response": response,
        "circle": notification.circle,
        "reason": notification.reason,
        "url": url,
        "excerpt": excerpt_text(text, 240, base_url=settings.SITE_URL),
        "excerpt_html": excerpt_html(text, 50),
    }


def moderation_email_send(*, notification_id: int, token: str | None = None) -> bool:
    """Email the author about one hide or restore decision, at most once. Returns whether
    an email went out: not for an author who turned these emails off or can no longer see
    what it was about."""
    token = token or uuid.uuid4().hex
    notification = (
        ModerationNotification.objects.filter(pk=notification_id, status__in=UNSENT)
        .select_related("circle", "recipient__profile", "log__circle", "response__log__circle")
        .first()
    )
    if notification is None:
        return False  # sent, being sent, or gone with what it was about
    recipient = notification.recipient
    visible = (
        can_view_response(recipient, notification.response)
        if notification.response_id
        else can_view_log(recipient, notification.log)
    )
    wants = visible and reachable_members().filter(pk=recipient.pk, **{PREFERENCE: True}).exists()
    status = DeliveryStatus.SENDING if wants else DeliveryStatus.SKIPPED
    if not _claim(notification_id=notification.pk, status=status, token=token):
        return False  # claimed already: sent, or being sent
    if not wants:
        return False
    message = emails.message_build(
        template="moderation",
        context={"member": recipient, **_context(notification)},
        to=recipient.email,
        member_id=recipient.pk,
        email_type=EMAIL_TYPE,
    )
    claimed = ModerationNotification.objects.filter(pk=notification.pk, claim_token=token)
    try:
        message.send()
    except Exception:
        claimed.update(status=DeliveryStatus.FAILED)
        raise
    claimed.update(status=DeliveryStatus.SENT, sent_at=timezone.now())
    return True


def moderation_emails_sweep(*, now: dt.datetime | None = None) -> int:
    """Send what a lost (or never published) task left behind. Returns how many were sent."""
    now = now or timezone.now()
    claims_stale(ModerationNotification, now=now).update(status=DeliveryStatus.FAILED)
    owed = (
        ModerationNotification.objects.filter(
            Q(status__in=UNSENT),
            decided_at__gte=now - LOOKBACK,
            decided_at__lte=now - GRACE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(moderation_email_send(notification_id=pk) for pk in list(owed))
