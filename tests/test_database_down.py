"""A database that does not answer: connecting gives up after the connect timeout, a
statement stuck behind a frozen table is cancelled by the statement timeout, and the page
answers 503 with the site's own page instead of hanging until gunicorn kills it.

PostgreSQL only: SQLite has neither timeout (its busy timeout covers writers' locks).
"""

import socket
import time

import psycopg2
import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections
from django.urls import reverse

from tests.factories import CircleFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite has no such timeouts)",
    ),
]


def test_statement_timeout_is_set_on_every_connection():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"  # DATABASE_STATEMENT_TIMEOUT's default


def test_a_page_stuck_behind_a_frozen_table_answers_503_within_the_statement_timeout(client):
    CircleFactory(name="Ward managers North")
    assert client.get(reverse("circles:directory")).status_code == 200
    with connection.cursor() as cursor:  # the same setting, shorter, to keep the test quick
        cursor.execute("SET statement_timeout = '1s'")
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
    )  # fmt: skip
    try:
        with other.cursor() as cursor:  # holds the table until it commits: a frozen database
            cursor.execute("LOCK TABLE circles_circle IN ACCESS EXCLUSIVE MODE")
        client.raise_request_exception = False
        start = time.monotonic()
        page = client.get(reverse("circles:directory"))
        took = time.monotonic() - start
    finally:
        other.rollback()
        other.close()
        connection.close()  # the next connection starts with the configured timeout again

    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "The school is busy for a moment" in page.content.decode()
    assert took < 5


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def test_connecting_to_a_database_that_never_answers_gives_up_after_the_connect_timeout(
    silent_server,
):
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] == 5  # DATABASE_CONNECT_TIMEOUT's default
    frozen = {
        **settings.DATABASES["default"],
        "HOST": "127.0.0.1",
        "PORT": silent_server,
        "OPTIONS": {**options, "connect_timeout": 1},
    }
    wrapper = connections["default"].__class__(frozen, alias="frozen")
    start = time.monotonic()
    with pytest.raises(OperationalError):
        wrapper.ensure_connection()
    assert time.monotonic() - start < 4
