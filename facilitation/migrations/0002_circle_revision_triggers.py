"""Reports change what a circle's facilitators see on its pages: they count in its revision (circles/revisions.py)."""

from django.db import migrations

from circles import revisions


class Migration(migrations.Migration):
    dependencies = [
        ("facilitation", "0001_report_and_moderation_action_from_circles"),
        ("circles", "0010_circle_revision"),
    ]

    operations = [revisions.migration_operation("report")]
