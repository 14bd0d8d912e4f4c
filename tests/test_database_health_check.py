"""The health check before a request's first query (``CONN_HEALTH_CHECKS``) finds a
connection the server has ended, so pages recover by themselves when PostgreSQL
restarts."""

import time

import psycopg2
import pytest
from django.conf import settings
from django.db import close_old_connections, connections
from django.urls import reverse

from tests.factories import CircleFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL: set DATABASE_URL=postgres://…",
    ),
]


def _end_session_from_outside(db) -> None:
    pid = db.connection.info.backend_pid
    params = db.get_connection_params()
    other = psycopg2.connect(
        dbname=params.get("database") or params.get("dbname"),
        user=params.get("user"),
        host=params.get("host") or "127.0.0.1",
        port=params.get("port") or 5432,
    )
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    time.sleep(0.2)  # the server's goodbye reaches the socket


def test_a_connection_the_server_ended_is_not_usable():
    db = connections["default"]
    db.ensure_connection()
    _end_session_from_outside(db)
    assert not db.is_usable()
    db.close()


def test_pages_recover_by_themselves_when_the_server_ends_their_connection(client):
    CircleFactory(name="Ward managers North")
    db = connections["default"]
    db.close()
    max_age = db.settings_dict["CONN_MAX_AGE"]
    db.settings_dict["CONN_MAX_AGE"] = 60  # kept between requests, as in production
    try:
        assert client.get(reverse("circles:directory")).status_code == 200
        assert db.connection is not None and not db.connection.closed
        _end_session_from_outside(db)
        close_old_connections()  # as a request's start does in the server (not in tests)
        assert client.get(reverse("circles:directory")).status_code == 200
    finally:
        db.settings_dict["CONN_MAX_AGE"] = max_age
        db.close()
