"""Dates as a member lives them: "today" is the date in her own time zone
(``Profile.time_zone``), falling back to the school's zone when it is unset or unknown."""

import datetime as dt
import zoneinfo

from django.utils import timezone


def member_zone(user) -> dt.tzinfo:
    profile = getattr(user, "profile", None)
    name = getattr(profile, "time_zone", "") or ""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def member_today(user) -> dt.date:
    """Today's date where the member is."""
    return timezone.localdate(timezone=member_zone(user))
