"""Tags of the circle health page (``facilitation/health.html``), which lists up to
hundreds of members and dates: a loop of the template and its ``date`` filter cost tens of
microseconds an item, these a few."""

from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=16)
def _months(language: str | None) -> dict[int, str]:
    """What the ``date`` filter's "M" prints for each month, in ``language`` (the active
    one when called)."""
    return {month: name.title() for month, name in MONTHS_3.items()}


def _day(value, months: dict[int, str]) -> str:
    """What ``value|date:"j M Y"`` prints (``value`` on the reader's clock; ``months``:
    ``_months`` of the active language)."""
    return f"{value.day} {months[value.month]} {value.year:04d}"


@register.filter(expects_localtime=True, is_safe=False)
def day_month_year(value) -> str:
    """``value|date:"j M Y"``, for example "1 Feb 2026" ("" for no date, as ``date``)."""
    if value in (None, ""):
        return ""
    return _day(value, _months(get_language()))


@register.simple_tag
def silent_items(members) -> SafeString:
    """``{% silent_items health.silent_members %}``: a list item for each silent member
    (``facilitation.selectors.SilentMember``), her name and the day of her last log or
    response on the reader's clock, or "never"."""
    months, zone = _months(get_language()), timezone.get_current_timezone()
    items = []
    for member in members:
        last = member.last_active_at
        when = _day(last.astimezone(zone), months) if last is not None else "never"
        items.append(
            f"<li><strong>{escape(member.name)}</strong>"
            f' <span class="meta">· last active {when}</span></li>'
        )
    return SafeString("\n".join(items))
