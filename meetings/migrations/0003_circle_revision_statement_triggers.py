"""The circle revision triggers again, once per statement on PostgreSQL (circles/revisions.py)."""

from django.db import migrations

from circles import revisions


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_circle_revision_triggers"),
        ("circles", "0011_circle_revision_statement_triggers"),
    ]

    operations = [revisions.statement_triggers_operation("meeting", "occurrence")]
