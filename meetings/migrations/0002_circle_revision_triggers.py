"""A circle's meetings show on its members' pages: they count in its revision (circles/revisions.py)."""

from django.db import migrations

from circles import revisions


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial"), ("circles", "0010_circle_revision")]

    operations = [revisions.migration_operation("meeting", "occurrence")]
