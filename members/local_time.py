"""A member's own clock: her time zone (``Profile.time_zone``), her "today" and the local
date of a moment. Everything that says "today", "due" or "overdue" to a member, or shows
her a date, asks here; visitors, and members without a usable zone, get the school's
(``settings.TIME_ZONE``)."""

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.utils import timezone


@lru_cache(maxsize=1024)
def zone_named(name: str) -> dt.tzinfo:
    """The time zone called ``name``, or the school's when there is no such zone."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return timezone.get_default_timezone()


def zone_of(user) -> dt.tzinfo:
    """The member's time zone; the school's for visitors and accounts without a profile."""
    if user is None or not getattr(user, "is_authenticated", False):
        return timezone.get_default_timezone()
    profile = getattr(user, "profile", None)
    if profile is None or not profile.time_zone:
        return timezone.get_default_timezone()
    return zone_named(profile.time_zone)


def local_now(user, now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (the present by default) on the member's clock."""
    return timezone.localtime(now or timezone.now(), zone_of(user))


def member_today(user, now: dt.datetime | None = None) -> dt.date:
    """The member's date today (or at ``now``): what "due" and "overdue" are measured by."""
    return local_now(user, now).date()


def local_date(user, moment: dt.datetime) -> dt.date:
    """The date ``moment`` fell on for the member."""
    return timezone.localtime(moment, zone_of(user)).date()
