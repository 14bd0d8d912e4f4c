"""Reports change what a circle's facilitators see on its pages: they count in its revision (circles/revisions.py)."""

from django.db import migrations

from circles import revisions

SOURCES = revisions.sources_named("report")


def install(apps, schema_editor):
    revisions.install(schema_editor.connection, SOURCES)


def uninstall(apps, schema_editor):
    revisions.uninstall(schema_editor.connection, SOURCES)


class Migration(migrations.Migration):
    dependencies = [
        ("facilitation", "0001_report_and_moderation_action_from_circles"),
        ("circles", "0010_circle_revision"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
