"""What the apps built on circles supply to it. An app above circles provides its part in
its ``AppConfig.ready()``; circles, and the other apps built on it, call it from here, so
none of them imports that app."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


class Provided:
    """A query one installed app provides for the others."""

    def __init__(self, what: str):
        self.what = what
        self._query: Callable[..., QuerySet | object] | None = None

    def provide(self, query: Callable[..., QuerySet | object]) -> None:
        self._query = query

    def __call__(self, *args, **kwargs):
        if self._query is None:
            raise ImproperlyConfigured(f"No installed app provides {self.what}.")
        return self._query(*args, **kwargs)


# Reports nobody has dealt with yet, each with ``circle`` and ``created_at`` (facilitation).
open_reports = Provided("the open reports")

# Circles annotated with their next meeting (meetings): ``with_next_meeting(circles)`` adds
# ``next_meeting_id``, ``next_meeting_title``, ``next_meeting_starts_at`` and
# ``next_meeting_ends_at`` (None when none is scheduled), in the circles' own query.
with_next_meeting = Provided("the circles' next meetings")


class Offered:
    """A function one installed app offers the others; until one does, ``default()``."""

    def __init__(self, what: str, default: Callable):
        self.what = what
        self._default = default
        self._function: Callable | None = None

    def provide(self, function: Callable) -> None:
        self._function = function

    def __call__(self, **kwargs):
        if self._function is None:
            return self._default()
        return self._function(**kwargs)


# Up to ``limit`` commons lessons related to a log's ``text`` and ``tags``, none of the
# reader's (``reader_id``) own nor from the log's circle (``circle_id``) (search): each
# with ``title`` and ``url``, in one query.
lessons_related = Offered("lessons related to a log", default=list)
