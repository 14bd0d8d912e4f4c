"""A circle's meetings show on its members' pages: they count in its revision (circles/revisions.py)."""

from django.db import migrations

from circles import revisions

SOURCES = revisions.sources_named("meeting", "occurrence")


def install(apps, schema_editor):
    revisions.install(schema_editor.connection, SOURCES)


def uninstall(apps, schema_editor):
    revisions.uninstall(schema_editor.connection, SOURCES)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial"), ("circles", "0010_circle_revision")]

    operations = [migrations.RunPython(install, uninstall)]
