"""A circle's revision is bumped once per statement on PostgreSQL, not once per row: a bulk
write no longer piles up versions of the same circle rows (circles/revisions.py)."""

from django.db import migrations

from circles import revisions


class Migration(migrations.Migration):
    dependencies = [("circles", "0010_circle_revision")]

    operations = [
        revisions.statement_triggers_operation(*(name for name, *_ in revisions.CIRCLE_SOURCES))
    ]
