"""Email messages from template triples: ``templates/emails/<name>/subject.txt``,
``body.txt`` and ``body.html``. Every link is absolute (``settings.SITE_URL``), those in
what members wrote too (``absolute_links``); digests and nudges carry RFC 8058 one-click
unsubscribe headers.

The text templates render with autoescaping off (they are plain text), so what they
return is *not* safe HTML although Django marks every rendered template safe: the subject
and the text part are handed on as plain ``str``, which any page that shows them (the
admin's digest preview) escapes."""

import html as html_module
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from members.local_time import zone_of
from notifications.services.unsubscribe import EMAIL_TYPES, unsubscribe_token_make
from school.paths import reversed_path


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# Only hrefs with no scheme and no host can be relative: the others are not even looked at.
# The pattern starts with its literal, so the regex engine finds candidates by a fast
# substring search (a leading ``\b`` made it try every position: 20x slower on a digest);
# the lookbehind after it stands for that ``\b`` ("xhref=" is another attribute).
_HREF = re.compile(r'(href=")(?<!\whref=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|//)([^"]*)(")')


def _absolute_href(match: re.Match) -> str:
    href = html_module.unescape(match[2])
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return match[0]
    path = href if href.startswith("/") else "/" + href
    return match[1] + html_module.escape(absolute(path)) + match[3]


def absolute_links(html: str) -> str:
    """``html`` with every relative ``href`` made absolute on ``settings.SITE_URL``: an
    email has no address of its own for a link to be relative to, and what members wrote
    (an @mention's ``/people/<id>/``, a Markdown link) is stored with relative links."""
    return _HREF.sub(_absolute_href, html)


def log_url(log) -> str:
    """Absolute link to a log (``log.circle`` should be loaded)."""
    return absolute(log.get_absolute_url())


def log_create_url(circle) -> str:
    """Absolute link to write a new log in ``circle``."""
    return absolute(reversed_path("circles:log_create", slug=circle.slug))


def log_follow_up_url(log) -> str:
    """Absolute link that opens a new log following up ``log``."""
    return f"{log_create_url(log.circle)}?follows={log.pk}"


def queue_url(circle) -> str:
    """The circle's moderation queue (facilitators)."""
    return absolute(reversed_path("facilitation:queue", slug=circle.slug))


def circle_url(circle) -> str:
    return absolute(circle.get_absolute_url())


def unsubscribe_url(*, member_id: int, email_type: str) -> str:
    token = unsubscribe_token_make(member_id=member_id, email_type=email_type)
    # Reversed once with a slot for the token: a signed token only holds URL-safe
    # characters, which reversing would leave as they are.
    path = reversed_path("notifications:unsubscribe", token=_TOKEN_SLOT)
    return absolute(path.replace(_TOKEN_SLOT, token))


_TOKEN_SLOT = "token-slot"


def plain_text(rendered: str) -> str:
    """A rendered text template as a plain ``str``, no longer marked safe HTML."""
    return str.__str__(rendered)


def site_context() -> dict:
    """What every email's templates may name or link to, the same for every recipient."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute(reversed_path("members:preferences")),
        "dashboard_url": absolute(reversed_path("dashboard")),
    }


def message_build(
    *, template: str, context: dict, to: str, member_id: int, email_type: str | None
) -> EmailMultiAlternatives:
    """Render ``templates/emails/<template>/`` for one recipient. With ``email_type``
    (digest, nudges, responses) the message carries List-Unsubscribe headers. Dates and
    times are rendered on the recipient's clock (``context["member"]``'s time zone)."""
    context = {**context, **site_context()}
    headers = {}
    if email_type is not None:
        if email_type not in EMAIL_TYPES:
            raise ValueError(f"Unknown email type {email_type!r}: one of {', '.join(EMAIL_TYPES)}.")
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
        html = absolute_links(render_to_string(f"emails/{template}/body.html", context))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
