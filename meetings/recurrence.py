"""A meeting's rule, and the dates it makes, on the clock of the meeting's time zone.

The rule runs over *local* wall-clock times and each is then placed in the zone: a weekly
meeting at 18:00 in London is at 18:00 London time before and after a clock change (17:00
and 18:00 UTC), which is what its members expect."""

import datetime as dt

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError

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
    """A wall-clock time in the zone as an instant (in UTC, so that adding a meeting's
    length adds real minutes). A time the clocks skip in spring does not exist: refused
    (``ValidationError`` on ``start_time``), naming the change. A time they repeat in
    autumn is the first of the two, before the clocks go back."""
    zone = zone_named(zone_name)
    aware = local.replace(tzinfo=zone, fold=0)
    instant = aware.astimezone(dt.UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(fold=0):
        raise ValidationError({"start_time": skipped_message(local, zone_name)})
    return instant


def skipped_message(local: dt.datetime, zone_name: str) -> str:
    """Why ``local`` does not exist on the clock of the zone: the clocks go forward over it."""
    zone = zone_named(zone_name)
    before = local.replace(tzinfo=zone, fold=0).utcoffset()
    after = local.replace(tzinfo=zone, fold=1).utcoffset()
    jump = abs(before - after)
    # The change's moment lies between the two readings of ``local``: find its minute.
    moment = (local.replace(tzinfo=zone, fold=1)).astimezone(dt.UTC)
    while (moment + dt.timedelta(minutes=1)).astimezone(zone).utcoffset() != max(before, after):
        moment += dt.timedelta(minutes=1)
    moment += dt.timedelta(minutes=1)
    skipped_from = (moment + min(before, after)).replace(tzinfo=None)
    skipped_to = skipped_from + jump
    amount = "an hour" if jump == dt.timedelta(hours=1) else f"{jump.seconds // 60} minutes"
    return (
        f"{local:%H:%M} does not exist in {zone_name} on {local:%A} {local.day} {local:%B %Y}: "
        f"the clocks go forward {amount} that night, from {skipped_from:%H:%M} to "
        f"{skipped_to:%H:%M}. Choose a time before or after the change."
    )


def occurrence_starts(*, first_local: dt.datetime, rule: str, zone_name: str) -> list[dt.datetime]:
    return [placed(local, zone_name) for local in local_starts(first_local=first_local, rule=rule)]
