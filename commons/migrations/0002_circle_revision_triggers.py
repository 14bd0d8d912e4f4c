"""A lesson shared from a circle's log shows on the log's page: it counts in its revision (circles/revisions.py)."""

from django.db import migrations

from circles import revisions


class Migration(migrations.Migration):
    dependencies = [("commons", "0001_initial"), ("circles", "0010_circle_revision")]

    operations = [revisions.migration_operation("lesson")]
