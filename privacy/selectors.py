from django.conf import settings

from members.models import User
from privacy.models import DataExport
from privacy.registry import KEPT
from privacy.services.exports import export_token


def exports_of(user: User) -> list[dict]:
    """Her exports, newest first, each with its signed link when ready."""
    return [
        {"export": e, "token": export_token(e) if e.state == "ready" else ""}
        for e in DataExport.objects.filter(member=user)[:10]
    ]


def privacy_facts() -> dict:
    """What the privacy page quotes, read from the settings the code obeys and from the
    registry the export uses."""
    return {
        "kept": KEPT,
        "export_days": settings.PRIVACY_EXPORT_DAYS,
        "delivery_days": settings.RETENTION_DELIVERY_DAYS,
        "read_notification_days": settings.RETENTION_READ_NOTIFICATION_DAYS,
        "expired_invite_days": settings.RETENTION_EXPIRED_INVITE_DAYS,
        "unsubscribe_days": settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS,
        "session_days": settings.SESSION_COOKIE_AGE // (24 * 60 * 60),
    }
