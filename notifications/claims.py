"""Sending an email at most once: claim its row before the send, mark it sent after, and
release the claim when the send fails, so that a later run claims and sends it again."""

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from notifications.models import DeliveryStatus


def claim_insert(model: type[models.Model], **fields) -> models.Model | None:
    """Insert the claim row; None when its unique keys say it was claimed before."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None


def claimed_send(message, claimed: models.QuerySet, *, sent: str = DeliveryStatus.SENT) -> None:
    """Send ``message`` for the ``claimed`` rows, then mark them ``sent``. A failed send
    deletes the claims and re-raises."""
    try:
        message.send()
    except Exception:
        claimed.delete()
        raise
    claimed.update(status=sent, sent_at=timezone.now())
