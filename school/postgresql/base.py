"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django asks ``is_usable()`` before a request's first query on
a kept connection, and Django's answer is a ``SELECT 1``: a round trip to the server on
every request, one of three for a page read back from the cache.
A server that restarted, or ended the session, has sent its last message and closed the
socket, so the socket has something to read; an idle, healthy connection has nothing.
Only then is the server asked, and always after an error or inside a transaction. A
connection lost without a word (a network cut) is found by its first query instead,
which answers 503 once and is then replaced."""

import select

from django.db.backends.postgresql import base
from psycopg2.extensions import TRANSACTION_STATUS_IDLE


class DatabaseWrapper(base.DatabaseWrapper):
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
