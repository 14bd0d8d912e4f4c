"""A meeting's rule, and the dates it makes, on the clock of the meeting's time zone.

The rule runs over *local* wall-clock times and each is then placed in the zone: a weekly
meeting at 18:00 in London is at 18:00 London time before and after a clock change (17:00
and 18:00 UTC), which is what its members expect."""

import datetime as dt

from dateutil.rrule import rrulestr

from meetings.models import MAX_OCCURRENCES, Repeat
from members.local_time import zone_named

INTERVAL_WEEKS = {Repeat.WEEKLY: 1, Repeat.FORTNIGHTLY: 2}


def rule_for(*, repeat: str, count: int) -> str:
    """The RFC 5545 RRULE for ``count`` meetings repeating as ``repeat`` ("" for once)."""
    if repeat == Repeat.ONCE:
        return ""
    return f"FREQ=WEEKLY;INTERVAL={INTERVAL_WEEKS[repeat]};COUNT={count}"


def local_starts(*, first_local: dt.datetime, rule: str) -> list[dt.datetime]:
    """The wall-clock (naive) starts the rule makes from ``first_local``, at most
    ``MAX_OCCURRENCES``."""
    if not rule:
        return [first_local]
    starts = []
    for start in rrulestr(rule, dtstart=first_local):
        starts.append(start)
        if len(starts) >= MAX_OCCURRENCES:
            break
    return starts


def placed(local: dt.datetime, zone_name: str) -> dt.datetime:
    """A wall-clock time in the zone as an instant (an hour skipped in spring reads as the
    time before the change, as the clock on the wall would say)."""
    return local.replace(tzinfo=zone_named(zone_name))


def occurrence_starts(*, first_local: dt.datetime, rule: str, zone_name: str) -> list[dt.datetime]:
    return [placed(local, zone_name) for local in local_starts(first_local=first_local, rule=rule)]
