""" "You were mentioned": the email that goes with a mention's in-app notification.

The receiver of ``circles.signals.mentioned`` records the notifications (``inbox``) and
queues one email each after commit. The notification row is claimed before the email is
sent and released if the send fails, so a re-run sends nothing twice; the sweep finds
those whose task was lost. Nothing is sent to a member who turned these emails off,
who has already opened the notification (the app and the email agree), or who may no
longer see what mentioned her.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from circles.text import excerpt_html, excerpt_text
from notifications import emails
from notifications.inbox import notifications_visible_to
from notifications.models import DeliveryStatus, Notification, Verb
from notifications.selectors import reachable_members
from school.enqueue import task_enqueue_on_commit

EMAIL_TYPE = "responses"
PREFERENCE = "profile__response_emails_enabled"
LOOKBACK = dt.timedelta(days=3)
GRACE = dt.timedelta(minutes=2)
STALE_CLAIM = dt.timedelta(minutes=30)


def mention_emails_enqueue(*, notifications: list[Notification]) -> None:
    """Owe each mentioned member an email, and queue it after commit."""
    ids = [n.pk for n in notifications]
    Notification.objects.filter(pk__in=ids).update(email_status=DeliveryStatus.FAILED)
    for pk in ids:
        task_enqueue_on_commit("notifications.mention_email_send", pk)


def _claim(pk: int, status: str) -> bool:
    return bool(
        Notification.objects.filter(pk=pk, email_status=DeliveryStatus.FAILED).update(
            email_status=status, email_claimed_at=timezone.now()
        )
    )


def mention_email_send(*, notification_id: int) -> bool:
    """Email one mention, at most once. Returns whether an email went out."""
    row = (
        Notification.objects.filter(
            pk=notification_id, verb=Verb.MENTIONED, email_status=DeliveryStatus.FAILED
        )
        .select_related("recipient__profile", "actor__profile", "circle", "log", "response")
        .first()
    )
    if row is None:
        return False  # sent, being sent, or gone
    recipient = row.recipient
    wants = (
        row.read_at is None
        and notifications_visible_to(recipient).filter(pk=row.pk).exists()
        and reachable_members().filter(pk=recipient.pk, **{PREFERENCE: True}).exists()
    )
    if not _claim(row.pk, DeliveryStatus.SENDING if wants else DeliveryStatus.SKIPPED):
        return False
    if not wants:
        return False
    text = row.response.body_html if row.response_id else row.log.situation_html
    url = emails.log_url(row.log) + (f"#response-{row.response_id}" if row.response_id else "")
    message = emails.message_build(
        template="mention",
        context={
            "member": recipient,
            "actor": row.actor,
            "circle": row.circle,
            "log": row.log,
            "in_response": row.response_id is not None,
            "url": url,
            "excerpt": excerpt_text(text, 240, base_url=settings.SITE_URL),
            "excerpt_html": excerpt_html(text, 50),
        },
        to=recipient.email,
        member_id=recipient.pk,
        email_type=EMAIL_TYPE,
    )
    claimed = Notification.objects.filter(pk=row.pk, email_status=DeliveryStatus.SENDING)
    try:
        message.send()
    except Exception:
        claimed.update(email_status=DeliveryStatus.FAILED)
        raise
    claimed.update(email_status=DeliveryStatus.SENT)
    return True


def mention_emails_sweep(*, now: dt.datetime | None = None) -> int:
    """Send what a lost task left behind. Returns how many were sent."""
    now = now or timezone.now()
    Notification.objects.filter(
        email_status=DeliveryStatus.SENDING, email_claimed_at__lt=now - STALE_CLAIM
    ).update(email_status=DeliveryStatus.FAILED)
    owed = Notification.objects.filter(
        Q(email_status=DeliveryStatus.FAILED),
        verb=Verb.MENTIONED,
        created_at__gte=now - LOOKBACK,
        created_at__lte=now - GRACE,
    ).values_list("pk", flat=True)
    return sum(mention_email_send(notification_id=pk) for pk in list(owed))
