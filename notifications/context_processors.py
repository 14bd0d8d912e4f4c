"""The bell in the header: the unread count, read only when a page shows it (from the
cache, else one query), never for visitors."""

from functools import cached_property

from django.db import DatabaseError

from notifications.inbox import bell_count
from school.paths import reversed_path


class Bell:
    def __init__(self, user, known: dict | None = None):
        self.user = user
        self.known = known  # what this request already read from the cache

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


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user, getattr(request, "live_reads", None))}
