"""The time zones a member can pick: places people live in, grouped by area, the school's first.

The IANA database also holds aliases kept for old software ("US/Eastern", "Asia/Calcutta"),
fixed offsets ("Etc/GMT+5") and oddities ("Factory", "localtime"). Its ``zone.tab`` lists one
current name per place and country, which is what a person looks for."""

import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path

from django.conf import settings


def _zone_tab() -> str:
    try:
        return resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        for directory in zoneinfo.TZPATH:
            path = Path(directory) / "zone.tab"
            if path.exists():
                return path.read_text(encoding="utf-8")
    return ""


@cache
def place_zones() -> tuple[str, ...]:
    """Every "Area/Place" zone in ``zone.tab`` that this Python can load, sorted."""
    names = set()
    for line in _zone_tab().splitlines():
        if line and not line.startswith("#"):
            names.add(line.split("\t")[2])
    return tuple(sorted(names & zoneinfo.available_timezones()))


def zone_label(name: str) -> str:
    """ "America/Argentina/Buenos_Aires" -> "Argentina, Buenos Aires" (the area is the group)."""
    place = name.split("/", 1)[-1]
    return ", ".join(part.replace("_", " ") for part in place.split("/"))


def time_zone_choices(*, own: str | None = None, keep: str | None = None) -> list:
    """The one list of time zones every form offers: the school's zone first, then ``own``
    (the member's zone), then each region's places by their friendly names. ``keep`` is a
    zone already in use (a member's older setting, a circle's meetings), offered too if it
    is valid but not a place listed."""
    school = settings.TIME_ZONE
    choices: list = [(school, f"{zone_label(school)} (the school's time zone)")]
    listed = {school}
    valid = zoneinfo.available_timezones()
    if own and own not in listed and own in valid:
        choices.append((own, f"{zone_label(own)} (your time zone)"))
        listed.add(own)
    unlisted = keep and keep not in listed and keep not in place_zones()
    if unlisted and keep in valid:
        choices.append((keep, f"{keep.replace('_', ' ')} (your current setting)"))
        listed.add(keep)
    groups: dict[str, list] = {}
    for name in place_zones():
        if name not in listed:
            groups.setdefault(name.split("/", 1)[0], []).append((name, zone_label(name)))
    choices.extend(groups.items())
    return choices
