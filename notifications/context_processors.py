"""The bell in the header: the unread count, read only when a page shows it (from the
cache, else one query), never for visitors."""

from functools import cached_property
from urllib.parse import urlsplit

from django.db import DatabaseError
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from notifications.inbox import bell_count, bell_reads
from school.paths import reversed_path


def _shows_inbox(request) -> bool:
    """Whether the page the bell is on is her notifications (``aria-current``): for the
    minute's poll, the page it polls from (HTMX's ``HX-Current-URL``)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.app_name != "inbox":
        return False
    if match.url_name != "bell":
        return True
    htmx = getattr(request, "htmx", None)
    try:
        page = urlsplit(htmx.current_url or "").path if htmx else ""
    except ValueError:  # a malformed header: not her notifications
        return False
    return page.startswith(reversed_path("inbox:list"))


class Bell:
    def __init__(self, user, known: dict | None = None, *, request=None):
        self.user = user
        self.known = known  # what this request already read from the cache
        self.is_current = _shows_inbox(request)

    # The header shows the bell on every page: its links are reversed once per process.
    @property
    def url(self) -> str:
        return reversed_path("inbox:list")

    @property
    def poll_url(self) -> str:
        return reversed_path("inbox:bell")

    @cached_property
    def count(self) -> int | None:
        try:
            return bell_count(self.user, self.known)
        except DatabaseError:  # the page still renders; the poll tries again
            return None

    def html(self) -> str:
        """The link, with the count when there is one (``notifications/_bell.html``). Put
        together here rather than in the template: every page served draws it afresh."""
        count = self.count
        badge = ""
        if count:
            badge = format_html(
                ' <span class="bell-count" data-count="{}">{}'
                '<span class="visually-hidden"> unread</span></span>',
                count,
                "99+" if count > 99 else count,
            )
        return format_html(
            '<a id="bell" class="bell" href="{}" hx-get="{}" hx-trigger="every 60s"'
            ' hx-swap="outerHTML"{}>Notifications{}</a>',
            self.url,
            self.poll_url,
            mark_safe(' aria-current="page"') if self.is_current else "",
            badge,
        )


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user, bell_reads(request), request=request)}
