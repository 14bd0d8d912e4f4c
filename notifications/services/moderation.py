"""Telling an author about a facilitator's decision on what they wrote: hidden, with the
reason, or restored.

``content_hide`` and ``content_restore`` (facilitation.services) call
``moderation_email_enqueue`` inside their transaction; the task is published once it
commits. Each decision has one ``ModerationNotification`` row, claimed before the email is
sent and deleted if the send fails, so a re-run sends nothing twice; the sweep finds the
decisions whose task was lost.
"""

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from circles.permissions import can_view_log, can_view_response
from circles.text import excerpt_html, excerpt_text
from facilitation.models import ModerationAction, ModerationVerb
from notifications import emails
from notifications.models import DeliveryStatus, ModerationNotification
from notifications.selectors import reachable_members

NOTIFIED_VERBS = (ModerationVerb.HIDE, ModerationVerb.RESTORE)
# The preference that covers emails about what a member wrote (responses to it, and
# facilitators' decisions on it), and the unsubscribe type that turns it off.
EMAIL_TYPE = "responses"
PREFERENCE = "profile__response_emails_enabled"
LOOKBACK = dt.timedelta(days=3)
GRACE = dt.timedelta(minutes=2)  # the task's own time to run before the sweep steps in
STALE_CLAIM = dt.timedelta(minutes=30)


def moderation_email_enqueue(*, action: ModerationAction) -> None:
    """After commit, queue the email to the author of what was hidden or restored (never
    to a facilitator deciding on their own writing)."""
    if action.verb not in NOTIFIED_VERBS or action.target_member_id in (None, action.actor_id):
        return
    from notifications.services.enqueue import task_enqueue_on_commit
    from notifications.tasks import moderation_email_send_task

    task_enqueue_on_commit(moderation_email_send_task, action.pk)


def _claim(*, action: ModerationAction, status: str, token: str) -> bool:
    try:
        with transaction.atomic():
            ModerationNotification.objects.create(
                action=action, recipient_id=action.target_member_id, status=status,
                claim_token=token,
            )  # fmt: skip
    except IntegrityError:
        return False
    return True


def _context(action: ModerationAction) -> dict:
    response = action.target_response
    log = response.log if response is not None else action.target_log
    text = response.body_html if response is not None else log.situation_html
    url = emails.log_url(log) + (f"#response-{response.pk}" if response is not None else "")
    return {
        "hidden": action.verb == ModerationVerb.HIDE,
        "kind": "log" if response is None else "reply" if response.is_reply else "response",
        "log": log,
        "response": response,
        "circle": action.circle,
        "reason": action.reason,
        "url": url,
        "excerpt": excerpt_text(text, 240),
        "excerpt_html": excerpt_html(text, 50),
    }


def moderation_email_send(*, action_id: int, token: str | None = None) -> bool:
    """Email the author about one hide or restore decision, at most once. Returns whether
    an email went out: not for other decisions, a facilitator's own writing, an author who
    turned these emails off or can no longer see what it was about."""
    token = token or uuid.uuid4().hex
    action = (
        ModerationAction.objects.filter(pk=action_id, verb__in=NOTIFIED_VERBS)
        .select_related(
            "circle", "target_member__profile", "target_log__circle", "target_response__log__circle"
        )
        .first()
    )
    recipient = action.target_member if action is not None else None
    if recipient is None or recipient.pk == action.actor_id:
        return False
    if action.target_log_id is None and action.target_response_id is None:
        return False  # what it was about is gone
    visible = (
        can_view_response(recipient, action.target_response)
        if action.target_response_id
        else can_view_log(recipient, action.target_log)
    )
    wants = visible and reachable_members().filter(pk=recipient.pk, **{PREFERENCE: True}).exists()
    if not _claim(
        action=action,
        status=DeliveryStatus.SENDING if wants else DeliveryStatus.SKIPPED,
        token=token,
    ):
        return False  # claimed already: sent, or being sent
    if not wants:
        return False
    message = emails.message_build(
        template="moderation",
        context={"member": recipient, **_context(action)},
        to=recipient.email,
        member_id=recipient.pk,
        email_type=EMAIL_TYPE,
    )
    claimed = ModerationNotification.objects.filter(action=action, claim_token=token)
    try:
        message.send()
    except Exception:
        claimed.delete()
        raise
    claimed.update(status=DeliveryStatus.SENT, sent_at=timezone.now())
    return True


def moderation_emails_sweep(*, now: dt.datetime | None = None) -> int:
    """Send what a lost (or never published) task left behind. Returns how many were sent."""
    now = now or timezone.now()
    ModerationNotification.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).delete()
    owed = (
        ModerationAction.objects.filter(
            verb__in=NOTIFIED_VERBS,
            notification__isnull=True,
            target_member__isnull=False,
            created_at__gte=now - LOOKBACK,
            created_at__lte=now - GRACE,
        )
        .exclude(actor_id=F("target_member_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(moderation_email_send(action_id=pk) for pk in list(owed))
