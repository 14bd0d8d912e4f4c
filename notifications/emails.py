"""Email messages from template triples: ``templates/emails/<name>/subject.txt``,
``body.txt`` and ``body.html``. Every link is absolute (``settings.SITE_URL``); digests
and nudges carry RFC 8058 one-click unsubscribe headers.

The text templates render with autoescaping off (they are plain text), so what they
return is *not* safe HTML although Django marks every rendered template safe: the subject
and the text part are handed on as plain ``str``, which any page that shows them (the
admin's digest preview) escapes."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members.local_time import zone_of
from notifications.services.unsubscribe import EMAIL_TYPES, unsubscribe_token_make


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def log_url(log) -> str:
    """Absolute link to a log (``log.circle`` should be loaded)."""
    try:
        path = reverse("circles:log_detail", kwargs={"slug": log.circle.slug, "pk": log.pk})
    except NoReverseMatch:  # The log pages' routes, as agreed: "<slug>/logs/<pk>/".
        path = f"/circles/{log.circle.slug}/logs/{log.pk}/"
    return absolute(path)


def log_create_url(circle) -> str:
    """Absolute link to write a new log in ``circle``."""
    try:
        path = reverse("circles:log_create", kwargs={"slug": circle.slug})
    except NoReverseMatch:  # As agreed with the logs pages: "<slug>/logs/new/".
        path = f"/circles/{circle.slug}/logs/new/"
    return absolute(path)


def log_follow_up_url(log) -> str:
    """Absolute link that opens a new log following up ``log``."""
    return f"{log_create_url(log.circle)}?follows={log.pk}"


def queue_url(circle) -> str:
    """The circle's moderation queue (facilitators)."""
    try:
        return absolute(reverse("facilitation:queue", kwargs={"slug": circle.slug}))
    except NoReverseMatch:
        return circle_url(circle)


def circle_url(circle) -> str:
    return absolute(reverse("circles:detail", kwargs={"slug": circle.slug}))


def unsubscribe_url(*, member_id: int, email_type: str) -> str:
    token = unsubscribe_token_make(member_id=member_id, email_type=email_type)
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": token}))


def plain_text(rendered: str) -> str:
    """A rendered text template as a plain ``str``, no longer marked safe HTML."""
    return str.__str__(rendered)


def message_build(
    *, template: str, context: dict, to: str, member_id: int, email_type: str | None
) -> EmailMultiAlternatives:
    """Render ``templates/emails/<template>/`` for one recipient. With ``email_type``
    (digest, nudges, responses) the message carries List-Unsubscribe headers. Dates and
    times are rendered on the recipient's clock (``context["member"]``'s time zone)."""
    context = {
        **context,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute(reverse("members:preferences")),
        "dashboard_url": absolute(reverse("dashboard")),
    }
    headers = {}
    if email_type is not None:
        assert email_type in EMAIL_TYPES
        url = unsubscribe_url(member_id=member_id, email_type=email_type)
        context["unsubscribe_url"] = url
        context["unsubscribe_label"] = EMAIL_TYPES[email_type][1]
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["Auto-Submitted"] = "auto-generated"
    with timezone.override(zone_of(context.get("member"))):
        subject = plain_text(
            " ".join(render_to_string(f"emails/{template}/subject.txt", context).split())
        )
        text = plain_text(render_to_string(f"emails/{template}/body.txt", context))
        html = render_to_string(f"emails/{template}/body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
