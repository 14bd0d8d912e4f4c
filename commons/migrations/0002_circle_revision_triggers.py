"""A lesson shared from a circle's log shows on the log's page: it counts in its revision (circles/revisions.py)."""

from django.db import migrations

from circles import revisions

SOURCES = revisions.sources_named("lesson")


def install(apps, schema_editor):
    revisions.install(schema_editor.connection, SOURCES)


def uninstall(apps, schema_editor):
    revisions.uninstall(schema_editor.connection, SOURCES)


class Migration(migrations.Migration):
    dependencies = [("commons", "0001_initial"), ("circles", "0010_circle_revision")]

    operations = [migrations.RunPython(install, uninstall)]
