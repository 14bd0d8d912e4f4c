"""One-click unsubscribe (RFC 8058): a signed token names the member and the email type.

The token is signed with ``SECRET_KEY`` (django.core.signing) under its own salt, so a
forged or altered token is refused and changes nothing. It carries the time it was made
and is honoured for ``settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS`` (long enough for an old
digest still in someone's inbox); after that it is refused as expired.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction

from members.models import Profile, User

SALT = "notifications.unsubscribe"

# Email type → the profile preference it turns off.
EMAIL_TYPES = {
    "digest": ("digest_enabled", "the weekly digest"),
    "nudges": ("nudges_enabled", "nudges"),
    "responses": ("response_emails_enabled", "emails about your logs and responses"),
    "meetings": ("meeting_reminders_enabled", "meeting reminders"),
    "mentions": ("mention_emails_enabled", "emails when someone mentions you"),
    "commons": ("commons_emails_enabled", "emails about questions on lessons in the commons"),
}


class UnsubscribeLinkExpired(Exception):
    """A genuine unsubscribe link, older than the links are honoured for."""


@dataclass(frozen=True)
class UnsubscribeTarget:
    member_id: int
    email_type: str

    @property
    def label(self) -> str:
        return EMAIL_TYPES[self.email_type][1]


def unsubscribe_token_make(*, member_id: int, email_type: str) -> str:
    if email_type not in EMAIL_TYPES:
        raise ValueError(f"Unknown email type {email_type!r}")
    return signing.dumps({"m": member_id, "t": email_type}, salt=SALT, compress=True)


def unsubscribe_token_read(*, token: str) -> UnsubscribeTarget | None:
    """The member and type a token names, or None for a forged or altered token.
    Raises ``UnsubscribeLinkExpired`` for a genuine token past its maximum age."""
    max_age = dt.timedelta(days=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise UnsubscribeLinkExpired from None
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    member_id, email_type = data.get("m"), data.get("t")
    if not isinstance(member_id, int) or email_type not in EMAIL_TYPES:
        return None
    if not User.objects.filter(pk=member_id).exists():
        return None
    return UnsubscribeTarget(member_id=member_id, email_type=email_type)


@transaction.atomic
def unsubscribe_apply(*, target: UnsubscribeTarget) -> bool:
    """Turn the preference off. Idempotent; returns whether anything changed."""
    field = EMAIL_TYPES[target.email_type][0]
    changed = Profile.objects.filter(user_id=target.member_id, **{field: True}).update(
        **{field: False}
    )
    if not changed and not Profile.objects.filter(user_id=target.member_id).exists():
        Profile.objects.create(user_id=target.member_id, **{field: False})
        return True
    return bool(changed)
