"""Meetings as iCalendar (RFC 5545), built with the icalendar library: an ``.ics`` per
meeting and a member's private feed of all her circles' meetings.

Each occurrence is one VEVENT whose UID never changes (it names the occurrence row), whose
SEQUENCE goes up with every change, and which a cancellation keeps, as
``STATUS:CANCELLED``, so calendars remove it. Times carry the meeting's time zone (TZID)
with its VTIMEZONE, so a calendar in any zone shows the right moment.

The feed's link is signed (``django.core.signing``) and names the member and her
calendar's current secret: an altered link fails the signature, a revoked one the secret.
Until she first revokes a link her secret is empty, so showing her the link writes nothing:
revoking (a POST) stores a ``MemberCalendar`` row with a drawn secret, and from then on the
link must carry it.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone
from icalendar import Calendar, Event

from meetings.models import MemberCalendar, Occurrence
from members.local_time import zone_named

SALT = "meetings.calendar-feed"
PRODID = "-//Social Business School//Circle meetings//EN"


def feed_secret_of(member) -> str:
    """Her calendar's current secret: empty until she first revokes a link (one read)."""
    secrets = MemberCalendar.objects.filter(member=member).values_list("secret", flat=True)
    return secrets.first() or ""


def feed_token_make(member) -> str:
    return signing.Signer(salt=SALT).sign_object({"m": member.pk, "s": feed_secret_of(member)})


def feed_member_read(token: str):
    """The member whose feed a link names, or None for an altered, forged or revoked link
    (or a member who has left)."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        return None
    member = (
        get_user_model().objects.select_related("profile").filter(pk=data["m"], is_active=True)
    ).first()
    if member is None or feed_secret_of(member) != str(data.get("s", "")):
        return None
    return member


def occurrence_uid(occurrence: Occurrence) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"meeting-occurrence-{occurrence.pk}@{host}"


def _event(occurrence: Occurrence, *, stamp: dt.datetime) -> Event:
    meeting = occurrence.meeting
    zone = zone_named(meeting.time_zone)
    event = Event()
    event.add("uid", occurrence_uid(occurrence))
    event.add("dtstamp", stamp)
    event.add("last-modified", occurrence.updated_at.astimezone(dt.UTC))
    event.add("dtstart", occurrence.starts_at.astimezone(zone))
    event.add("dtend", occurrence.ends_at.astimezone(zone))
    event.add("sequence", occurrence.sequence)
    event.add("summary", f"{meeting.title} ({occurrence.circle.name})")
    event.add("status", "CANCELLED" if occurrence.is_cancelled else "CONFIRMED")
    url = settings.SITE_URL + occurrence.get_absolute_url()
    event.add("url", url)
    if meeting.place:
        event.add("location", meeting.place)
    elif meeting.online_url:
        event.add("location", meeting.online_url)
    lines = [f"Meeting page: {url}"]
    if meeting.online_url:
        lines.insert(0, f"Join online: {meeting.online_url}")
    event.add("description", "\n".join(lines))
    return event


def calendar_build(occurrences, *, name: str) -> bytes:
    """An iCalendar file of ``occurrences`` (with ``meeting`` and ``circle`` loaded)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    first = last = None
    for occurrence in occurrences:
        calendar.add_component(_event(occurrence, stamp=stamp))
        day = occurrence.starts_at.date()
        first = day if first is None or day < first else first
        last = day if last is None or day > last else last
    if first is not None:
        # Each zone's rules from a year before the first meeting to a year after the last.
        calendar.add_missing_timezones(
            first_date=first - dt.timedelta(days=366), last_date=last + dt.timedelta(days=366)
        )
    return calendar.to_ical()
