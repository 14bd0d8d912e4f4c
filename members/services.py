import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from members.models import INTRODUCTION_MAX, Profile, Role, User
from school.enqueue import BROKER_ERRORS, task_publish
from school.text import render_markdown

logger = logging.getLogger(__name__)


def profile_ensure(*, user: User) -> Profile:
    """The member's profile, created empty: onboarding asks for their name."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    roles: Iterable[Role],
    organisation: str,
    sector: str,
    time_zone: dt.tzinfo | str,
    bio: str = "",
    introduction: str | None = None,
    hide_organisation: bool | None = None,
    hide_active_status: bool | None = None,
) -> Profile:
    """Save a member's profile; the first save completes onboarding. ``time_zone`` is a
    zone (as the profile form cleans it) or its IANA name."""
    profile = profile_ensure(user=user)
    profile.display_name = display_name
    profile.organisation = organisation
    profile.sector = sector
    profile.time_zone = str(time_zone)
    profile.bio = bio
    for name, value in (
        ("hide_organisation", hide_organisation),
        ("hide_active_status", hide_active_status),
    ):
        if value is not None:
            setattr(profile, name, value)
    if introduction is not None:
        _introduction_set(profile, introduction)
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
    profile.full_clean()
    profile.save()
    profile.roles.set(roles)
    return profile


def _introduction_set(profile: Profile, text: str) -> None:
    text = text.strip()
    if len(text) > INTRODUCTION_MAX:
        message = f"Please keep this to {INTRODUCTION_MAX} characters (it has {len(text)})."
        raise ValidationError({"introduction": message})
    if text != profile.introduction:
        profile.introduction = text
        profile.introduction_html = render_markdown(text)
        if text:
            profile.introduction_answered_at = timezone.now()


@transaction.atomic
def introduction_save(*, user: User, text: str) -> Profile:
    """Save the few words she introduces herself with (refused over INTRODUCTION_MAX)."""
    profile = profile_ensure(user=user)
    _introduction_set(profile, text)
    profile.introduction_answered_at = timezone.now()
    profile.full_clean()
    profile.save(update_fields=["introduction", "introduction_html", "introduction_answered_at"])
    return profile


@transaction.atomic
def introduction_skip(*, user: User) -> Profile:
    """She would rather not introduce herself now: the invitation is not shown again."""
    profile = profile_ensure(user=user)
    if profile.introduction_answered_at is None:
        profile.introduction_answered_at = timezone.now()
        profile.save(update_fields=["introduction_answered_at"])
    return profile


@transaction.atomic
def preferences_update(
    *,
    user: User,
    digest_enabled: bool,
    nudges_enabled: bool,
    response_emails_enabled: bool,
    meeting_reminders_enabled: bool = True,
    mention_emails_enabled: bool = True,
    commons_emails_enabled: bool = True,
) -> Profile:
    profile = profile_ensure(user=user)
    profile.digest_enabled = digest_enabled
    profile.nudges_enabled = nudges_enabled
    profile.response_emails_enabled = response_emails_enabled
    profile.meeting_reminders_enabled = meeting_reminders_enabled
    profile.mention_emails_enabled = mention_emails_enabled
    profile.commons_emails_enabled = commons_emails_enabled
    profile.save(
        update_fields=[
            "digest_enabled",
            "nudges_enabled",
            "response_emails_enabled",
            "meeting_reminders_enabled",
            "mention_emails_enabled",
            "commons_emails_enabled",
        ]
    )
    return profile


# --- account emails (confirmation, password reset, "you already have an account") ----------


def account_email_enqueue(*, message: EmailMessage) -> None:
    """Hand a rendered account email to the worker. It is published at once: it is complete
    and reads nothing from the database, and allauth's pages run outside a transaction.
    Should the broker be unreachable, it is sent from here: no periodic sweep knows about
    these emails."""
    payload = {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "html": next(
            (content for content, mimetype in getattr(message, "alternatives", [])
             if mimetype == "text/html"),
            None,
        ),
    }  # fmt: skip
    try:
        task_publish("members.account_email_send", **payload)
    except BROKER_ERRORS as exc:
        logger.warning("Broker unreachable (%s): sending an account email directly.", exc)
        account_email_send(**payload)


def account_email_send(
    *, subject: str, body: str, from_email: str, to: list[str], html: str | None = None
) -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
