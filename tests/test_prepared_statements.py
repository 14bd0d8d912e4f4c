"""What every signed-in request runs (her user row, a kept page's revisions) is prepared on
the PostgreSQL server once per connection and then run by name (``school.prepared``); a
statement the server no longer has is prepared again, and the setting turns it off."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Profile
from tests.factories import ActionLogFactory, CircleFactory, MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),  # requests outside a transaction, as served
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL: set DATABASE_URL=postgres://…",
    ),
]


@pytest.fixture
def member_on_a_log(client):
    circle = CircleFactory()
    member = UserFactory()
    MembershipFactory(circle=circle, member=member)
    log = ActionLogFactory(circle=circle)
    client.force_login(member)
    return log.get_absolute_url()


def _statements(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ran:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in ran.captured_queries]


def _prepared_on_server() -> set[str]:
    """The statements' names on the server, without the digest of their SQL."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name.rpartition("_")[0] for (name,) in cursor.fetchall()}


def test_the_signed_in_statements_are_prepared_once_then_run_by_name(client, member_on_a_log):
    connection.ensure_connection()
    connection.prepared_statements.clear()
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    first = _statements(client, member_on_a_log)
    assert any(sql.startswith("PREPARE members_user_signed_in_") for sql in first)
    assert {"members_user_signed_in", "circles_log_page_revisions"} <= _prepared_on_server()
    again = _statements(client, member_on_a_log)
    assert again[0].startswith("EXECUTE members_user_signed_in_")
    assert any(sql.startswith("EXECUTE circles_log_page_revisions_") for sql in again)
    assert not any("PREPARE" in sql for sql in again)
    assert len(again) == 2  # a kept page: her user, its revisions


def test_a_statement_the_server_lost_is_prepared_again(client, member_on_a_log):
    _statements(client, member_on_a_log)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler's DISCARD ALL, or another session
    assert _statements(client, member_on_a_log)  # 200, not "prepared statement … does not exist"
    assert "members_user_signed_in" in _prepared_on_server()


def test_a_migration_that_changes_a_column_the_statement_reads_is_survived(client, member_on_a_log):
    """A prepared statement's result may not change type ("cached plan must not change
    result type"): after such a migration it is prepared again, not failed until the
    connection is replaced."""
    length = Profile._meta.get_field("display_name").max_length
    _statements(client, member_on_a_log)
    alter = "ALTER TABLE members_profile ALTER COLUMN display_name TYPE varchar({})"
    with connection.cursor() as cursor:
        cursor.execute(alter.format(length + 1))
    try:
        assert _statements(client, member_on_a_log)  # 200
        assert _statements(client, member_on_a_log)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(alter.format(length))


def test_a_log_number_past_any_id_is_404_not_an_error(client, member_on_a_log):
    _statements(client, member_on_a_log)
    circle_path = member_on_a_log.split("/logs/")[0]
    assert client.get(f"{circle_path}/logs/99999999999999999999/").status_code == 404


def test_a_statement_prepared_already_on_the_session_is_used(client, member_on_a_log):
    _statements(client, member_on_a_log)
    connection.prepared_statements.clear()  # this process forgot; the server did not
    assert _statements(client, member_on_a_log)


def test_inside_a_transaction_the_sql_runs_as_it_is(client, member_on_a_log):
    from django.db import transaction

    with transaction.atomic():
        statements = _statements(client, member_on_a_log)
    assert statements and not any("PREPARE" in sql or "EXECUTE" in sql for sql in statements)


def test_the_setting_turns_it_off(client, member_on_a_log, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "PREPARED_STATEMENTS", False)
    statements = _statements(client, member_on_a_log)
    assert statements and not any("PREPARE" in sql or "EXECUTE" in sql for sql in statements)
