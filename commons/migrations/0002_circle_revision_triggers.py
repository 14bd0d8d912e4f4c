"""Lessons count in their circle's revision.

Frozen: the SQL is written out as it ran the day this migration was made. On SQLite
the triggers were made outside migrations and are dropped by ``circles`` 0012."""

from django.db import migrations

FORWARD = [
    "DROP TRIGGER IF EXISTS circle_revision_lesson_insert ON commons_lesson;",
    "DROP TRIGGER IF EXISTS circle_revision_lesson_update ON commons_lesson;",
    "DROP TRIGGER IF EXISTS circle_revision_lesson_delete ON commons_lesson;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_lesson() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT NEW.circle_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id UNION SELECT NEW.circle_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_lesson ON commons_lesson;",
    """
    CREATE TRIGGER circle_revision_lesson AFTER INSERT OR UPDATE OR DELETE
    ON commons_lesson FOR EACH ROW EXECUTE FUNCTION circle_revision_lesson();
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS circle_revision_lesson ON commons_lesson;",
    "DROP TRIGGER IF EXISTS circle_revision_lesson_insert ON commons_lesson;",
    "DROP TRIGGER IF EXISTS circle_revision_lesson_update ON commons_lesson;",
    "DROP TRIGGER IF EXISTS circle_revision_lesson_delete ON commons_lesson;",
    "DROP FUNCTION IF EXISTS circle_revision_lesson();",
]


def _postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("commons", "0001_initial"), ("circles", "0010_circle_revision")]

    operations = [
        migrations.RunPython(_postgresql(FORWARD), _postgresql(BACKWARD)),
    ]
