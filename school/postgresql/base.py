"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django asks ``is_usable()`` before a request's first query on
a kept connection, and Django's answer is a ``SELECT 1``: a round trip to the server on
every request, one of three for a page read back from the cache.
A server that restarted, or ended the session, has sent its last message and closed the
socket, so the socket has something to read; an idle, healthy connection has nothing.
Only then is the server asked, and always after an error or inside a transaction. A
connection lost without a word (a network cut) is found by its first query instead,
which answers 503 once and is then replaced.

It also keeps the statements every signed-in request runs (her user row, a kept page's
revisions) prepared on the server, once per connection (``execute_prepared``): PostgreSQL
then neither parses nor plans them again, which was a third of the server's time for a
page read back from the cache. ``DATABASE_PREPARED_STATEMENTS=false`` turns it off, as
PgBouncer's transaction pooling needs (a statement prepared on one server connection is
not there on the next); other backends run the SQL as it is."""

import hashlib
import itertools
import re
import select
from functools import cache

from django.db.backends.postgresql import base
from psycopg2 import errors
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

_PLACEHOLDER = re.compile(r"%s")


def _numbered(sql: str) -> str:
    """``%s`` placeholders as PREPARE wants them: ``$1``, ``$2``, …"""
    number = itertools.count(1)
    return _PLACEHOLDER.sub(lambda _match: f"${next(number)}", sql)


# A run of a prepared statement that fails with these is prepared again and run once more.
_PREPARE_AGAIN = (errors.InvalidSqlStatementName, errors.FeatureNotSupported)


@cache
def _statement_name(name: str, sql: str) -> str:
    return f"{name}_{hashlib.blake2b(sql.encode(), digest_size=5).hexdigest()}"


def _deallocate(cursor, name: str) -> None:
    try:
        cursor.execute(f"DEALLOCATE {name}")
    except Exception as error:
        if not isinstance(error.__cause__, errors.InvalidSqlStatementName):
            raise


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self.prepared_statements: set[str] = set()
        return connection

    def execute_prepared(self, cursor, name: str, sql: str, params) -> None:
        """``cursor.execute(sql, params)``, as a statement prepared on this connection:
        in the same round trip as its first run, then by name. The name carries a digest
        of ``sql`` (``%s`` placeholders, no ``%%``), so a statement of that name on the
        server is this SQL, whichever release prepared it. Only in autocommit, outside a
        transaction, where a failed run loses nothing: a statement the server no longer
        has (a pooler's ``DISCARD ALL``) or whose plan a migration invalidated ("cached
        plan must not change result type") is prepared again."""
        if (
            not self.settings_dict.get("PREPARED_STATEMENTS", True)
            or self.in_atomic_block
            or not self.get_autocommit()
            or "%%" in sql
        ):
            cursor.execute(sql, params)
            return
        name = _statement_name(name, sql)
        run = f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
        if name in self.prepared_statements:
            try:
                cursor.execute(run, params)
                return
            except Exception as error:
                if not isinstance(error.__cause__, _PREPARE_AGAIN):
                    raise
                self.prepared_statements.discard(name)
                _deallocate(cursor, name)
        try:
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}; {run}", params)
        except Exception as error:  # prepared already by this session: the same SQL
            if not isinstance(error.__cause__, errors.DuplicatePreparedStatement):
                raise
            cursor.execute(run, params)
        self.prepared_statements.add(name)

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if self.errors_occurred or connection.info.transaction_status != TRANSACTION_STATUS_IDLE:
            return super().is_usable()  # after an error, or mid-transaction: ask
        try:
            socket = select.poll()  # one system call, whatever the descriptor's number
            socket.register(connection.fileno(), select.POLLIN)
            readable = bool(socket.poll(0))  # data, or the server hung up (POLLHUP, POLLERR)
        except (OSError, ValueError):
            return super().is_usable()
        return super().is_usable() if readable else True
