"""Bulk work in short transactions: erasure, exports and the retention purge walk their
rows a page of primary keys at a time, each page read by a query of its own (keyset: the
ids after the last one seen) and each page's writes committed on their own. No row that
members' pages write is held for longer than one page's writes, a process killed
mid-way loses at most the page it was writing, and the re-run finds what is left by the
same filter.

A page holds at most ``settings.PRIVACY_BATCH_SIZE`` rows (``BATCH_SIZE`` unless set).
Where writes are paced (``Pace``), a batch whose transaction took longer than
``settings.PRIVACY_BATCH_SECONDS`` (``BATCH_SECONDS``) halves the next page, and one that
took under a quarter of it doubles the next, up to the most: a busy machine, or rows whose
deletion cascades far (a log with hundreds of responses), get smaller transactions."""

from collections.abc import Iterator

from django.conf import settings
from django.db import models

BATCH_SIZE = 500
BATCH_SECONDS = 0.5


def batch_size() -> int:
    return max(1, int(getattr(settings, "PRIVACY_BATCH_SIZE", BATCH_SIZE)))


class Pace:
    """The size of the next page of writes, from how long the last transaction took."""

    def __init__(self):
        self.most = batch_size()
        self.size = self.most
        self.target = float(getattr(settings, "PRIVACY_BATCH_SECONDS", BATCH_SECONDS))

    def took(self, seconds: float) -> None:
        if seconds > self.target:
            self.size = max(1, self.size // 2)
        elif seconds < self.target / 4:
            self.size = min(self.most, self.size * 2)


def pk_pages(rows: models.QuerySet, size: int | Pace | None = None) -> Iterator[list]:
    """The primary keys of ``rows`` in order, ``size`` at a time (a ``Pace`` is read again
    before each page). Each page is one short query (``pk > last ORDER BY pk LIMIT n``):
    nothing stays open between pages, and a row the caller's work leaves matching is not
    met again."""
    size = size or batch_size()
    ordered = rows.order_by("pk").values_list("pk", flat=True).distinct()
    last = None
    while True:
        page = ordered if last is None else ordered.filter(pk__gt=last)
        ids = list(page[: size.size if isinstance(size, Pace) else size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def delete_locked(rows: models.QuerySet) -> tuple[int, dict[str, int]]:
    """Delete ``rows`` (one page, inside the caller's transaction), their rows locked first
    so that no row pointing at them is added between Django collecting what cascades and
    the delete. Returns what ``QuerySet.delete`` returns."""
    locked = list(rows.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not locked:
        return 0, {}
    return rows.model._base_manager.filter(pk__in=locked).delete()
