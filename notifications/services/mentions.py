""" "You were mentioned": the email that goes with a mention's in-app notification.

The receiver of ``circles.signals.mentioned`` records the notifications (``inbox``) and
queues one email each after commit. The notification row is claimed before the email is
sent and released if the send fails, so a re-run sends nothing twice; the sweep finds
those whose task was lost. Nothing is sent to a member who turned these emails off,
who has already opened the notification (the app and the email agree), or who may no
longer see what mentioned her. The email quotes where she is mentioned: the paragraph (or
list item) of the log's field or of the response that holds the mention, narrowed to its
sentence when the paragraph is long.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from circles.mentions import PROFILE_PATH
from circles.models import LOG_TEXT_FIELDS
from circles.text import html_to_text, passage_linking, sentence_with
from notifications import emails
from notifications.inbox import notifications_visible_to
from notifications.models import DeliveryStatus, Notification, Verb
from notifications.selectors import reachable_members
from school.enqueue import task_enqueue_on_commit

EMAIL_TYPE = "mentions"
PREFERENCE = "profile__mention_emails_enabled"
LOOKBACK = dt.timedelta(days=3)
GRACE = dt.timedelta(minutes=2)
STALE_CLAIM = dt.timedelta(minutes=30)
# The log's fields, as the log form labels them.
FIELD_LABELS = {name: name.replace("_", " ").capitalize() for name in LOG_TEXT_FIELDS}
# The most of a paragraph the email quotes whole, in characters of its text.
PASSAGE_LENGTH = 600


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
            **mention_passage(row),
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


def mention_passage(row: Notification) -> dict:
    """Where the mention is: ``field_label`` (the log's field, "" in a response), ``passage``
    (plain text, links absolute) and ``passage_html`` (stored HTML; "" when the paragraph
    is too long to quote whole, and the email quotes ``passage``, its sentence)."""
    href = PROFILE_PATH.format(pk=row.recipient_id)
    if row.response_id is not None:
        found = [("", row.response.body_html)]
    else:
        found = [(FIELD_LABELS[name], getattr(row.log, f"{name}_html")) for name in LOG_TEXT_FIELDS]
    field_label, html = "", found[0][1]  # the mention edited away since: its start
    for label, source in found:
        passage = passage_linking(source, href)
        if passage:
            field_label, html = label, passage
            break
    text = html_to_text(html, base_url=settings.SITE_URL)
    whole = len(" ".join(text.split())) <= PASSAGE_LENGTH
    needle = settings.SITE_URL.rstrip("/") + href
    return {
        "field_label": field_label,
        "passage": sentence_with(text, needle, PASSAGE_LENGTH),
        "passage_html": html if whole else "",
    }


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
