"""The triggers that keep search_document in step with logs, responses and lessons, for the
database in use (PostgreSQL: a weighted tsvector and a GIN index; SQLite: an FTS5 table),
and the documents of the rows that already exist."""

from django.db import migrations

from search import sql


def install(apps, schema_editor):
    sql.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    sql.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("circles", "0007_report_and_moderation_action_to_facilitation"),
        ("commons", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
