"""The index follows the rows: writing, editing, hiding and deleting a log, response or
lesson — through services, the ORM or a bulk load — changes what search finds at once."""

import pytest
from django.core.management import call_command

from circles.models import ActionLog
from search.models import SearchDocument
from search.selectors import search
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    LessonFactory,
    MembershipFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(circle=CircleFactory()).member


def found(member, text) -> list:
    return [hit.item for hit in search(user=member, text=text).hits]


def test_an_edit_replaces_the_old_words_and_a_delete_removes_the_row(member):
    circle = member.memberships.get().circle
    log = ActionLogFactory(circle=circle, title="zqbefore")
    response = ResponseFactory(log=log, body="zqanswer")
    assert found(member, "zqbefore") == [log]
    log.title = "zqafter"
    log.save()
    assert found(member, "zqbefore") == [] and found(member, "zqafter") == [log]
    ActionLog.objects.filter(pk=log.pk).update(situation="zqupdated in bulk")
    assert found(member, "zqupdated") == [log]
    response.delete()
    assert found(member, "zqanswer") == []
    log.delete()
    assert found(member, "zqafter") == []
    assert not SearchDocument.objects.exists()


def test_bulk_created_rows_are_indexed(member):
    circle = member.memberships.get().circle
    author = MembershipFactory(circle=circle).member
    ActionLog.objects.bulk_create(
        [
            ActionLogFactory.build(circle=circle, author=author, title=f"zqbulk {i}")
            for i in range(3)
        ]
    )
    assert search(user=member, text="zqbulk").count == 3


def test_a_lesson_edited_by_its_row_is_found_by_its_new_words(member):
    lesson = LessonFactory(insight="zqfirst")
    lesson.insight = "zqsecond"
    lesson.save()
    assert found(member, "zqfirst") == [] and found(member, "zqsecond") == [lesson]


def test_migrating_back_and_forth_rebuilds_the_index(member, transactional_db):
    circle = member.memberships.get().circle
    log = ActionLogFactory(circle=circle, title="zqmigrated")
    response = ResponseFactory(log=log, body="zqanswered")
    call_command("migrate", "search", "0001", verbosity=0)
    call_command("migrate", "search", verbosity=0)
    assert found(member, "zqmigrated") == [log]
    assert found(member, "zqanswered") == [response]


def test_a_log_moved_to_another_circle_takes_its_responses_with_it(member):
    """A search reads the documents of the reader's circles first: a document keeps its
    row's circle, even when a log is moved by hand."""
    old_circle = member.memberships.get().circle
    new_member = MembershipFactory(circle=CircleFactory()).member
    log = ActionLogFactory(circle=old_circle, title="zqmoved")
    response = ResponseFactory(log=log, body="zqmovedanswer")
    ActionLog.objects.filter(pk=log.pk).update(circle=new_member.memberships.get().circle)
    assert found(member, "zqmoved") == [] and found(member, "zqmovedanswer") == []
    assert found(new_member, "zqmoved") == [log]
    assert found(new_member, "zqmovedanswer") == [response]


def test_on_sqlite_migrations_can_rebuild_the_indexed_tables(member, transactional_db):
    """SQLite cannot rebuild a table another table's trigger reads (the responses' read the
    logs'): ``migrate`` drops the search triggers before migrations run and puts them back
    after, with every row indexed."""
    from django.apps import apps
    from django.db import connection
    from django.db.models.signals import pre_migrate

    from circles.models import ActionLog, Response
    from search import sql

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's table rebuilds")
    search_app = apps.get_app_config("search")
    pre_migrate.send(sender=search_app, app_config=search_app, using="default", plan=[("a", 0)])
    with connection.schema_editor() as editor:  # what a migration altering a column does
        for model in (ActionLog, Response):
            field = model._meta.get_field("author")
            editor.alter_field(model, field, field)
            editor._remake_table(model)
    call_command("migrate", verbosity=0)
    assert sql.is_installed(connection)
    log = ActionLogFactory(circle=member.memberships.get().circle, title="zqrebuilt")
    assert found(member, "zqrebuilt") == [log]


def test_triggers_a_migration_loses_come_back_with_the_next_migrate(member, transactional_db):
    """SQLite drops a table's triggers when a migration rebuilds it; PostgreSQL could lose
    one to a hand-written migration: migrate puts them back and re-indexes."""
    from django.db import connection

    from search import sql

    circle = member.memberships.get().circle
    drop = (
        "DROP TRIGGER search_index_log_insert"
        if connection.vendor == "sqlite"
        else "DROP TRIGGER search_index_log ON circles_actionlog"
    )
    with connection.cursor() as cursor:
        cursor.execute(drop)
    assert not sql.is_installed(connection)
    log = ActionLogFactory(circle=circle, title="zqunindexed")
    assert found(member, "zqunindexed") == []
    call_command("migrate", verbosity=0)
    assert sql.is_installed(connection)
    assert found(member, "zqunindexed") == [log]
