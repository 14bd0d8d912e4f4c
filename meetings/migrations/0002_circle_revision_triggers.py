"""Meetings and their occurrences count in their circle's revision.

Frozen: the SQL is written out as it ran the day this migration was made. On SQLite
the triggers were made outside migrations and are dropped by ``circles`` 0012."""

from django.db import migrations

FORWARD = [
    "DROP TRIGGER IF EXISTS circle_revision_meeting_insert ON meetings_meeting;",
    "DROP TRIGGER IF EXISTS circle_revision_meeting_update ON meetings_meeting;",
    "DROP TRIGGER IF EXISTS circle_revision_meeting_delete ON meetings_meeting;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_meeting() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT NEW.circle_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id UNION SELECT NEW.circle_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_meeting ON meetings_meeting;",
    """
    CREATE TRIGGER circle_revision_meeting AFTER INSERT OR UPDATE OR DELETE
    ON meetings_meeting FOR EACH ROW EXECUTE FUNCTION circle_revision_meeting();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_insert ON meetings_occurrence;",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_update ON meetings_occurrence;",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_delete ON meetings_occurrence;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_occurrence() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT NEW.circle_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id UNION SELECT NEW.circle_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_occurrence ON meetings_occurrence;",
    """
    CREATE TRIGGER circle_revision_occurrence AFTER INSERT OR UPDATE OR DELETE
    ON meetings_occurrence FOR EACH ROW EXECUTE FUNCTION circle_revision_occurrence();
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS circle_revision_meeting ON meetings_meeting;",
    "DROP TRIGGER IF EXISTS circle_revision_meeting_insert ON meetings_meeting;",
    "DROP TRIGGER IF EXISTS circle_revision_meeting_update ON meetings_meeting;",
    "DROP TRIGGER IF EXISTS circle_revision_meeting_delete ON meetings_meeting;",
    "DROP FUNCTION IF EXISTS circle_revision_meeting();",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence ON meetings_occurrence;",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_insert ON meetings_occurrence;",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_update ON meetings_occurrence;",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_delete ON meetings_occurrence;",
    "DROP FUNCTION IF EXISTS circle_revision_occurrence();",
]


def _postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial"), ("circles", "0010_circle_revision")]

    operations = [
        migrations.RunPython(_postgresql(FORWARD), _postgresql(BACKWARD)),
    ]
