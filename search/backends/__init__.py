"""One search, two databases: PostgreSQL full-text search or SQLite's FTS5, chosen by the
connection in use. Both take a queryset of ``SearchDocument`` rows and give back the
matching ones annotated with ``rank`` (higher is better), or with ``title_marked`` and
``body_marked`` (the text around the matches, matches between ``START`` and ``STOP``);
``MARKED_WITH_RANK`` says whether the marks can be read in the ranked page's query."""

from django.db import connection

from search.backends.base import START, STOP  # noqa: F401


def backend():
    if connection.vendor == "postgresql":
        from search.backends import postgresql

        return postgresql
    from search.backends import sqlite

    return sqlite
