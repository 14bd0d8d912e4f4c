"""The circle revision triggers again, once per statement on PostgreSQL.

Frozen: the SQL is written out as it ran the day this migration was made. On SQLite
the triggers were made outside migrations and are dropped by ``circles`` 0012."""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION circle_revision_lesson() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT o.circle_id UNION SELECT n.circle_id) x(id));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_lesson ON commons_lesson;",
    "DROP TRIGGER IF EXISTS circle_revision_lesson_insert ON commons_lesson;",
    """
    CREATE TRIGGER circle_revision_lesson_insert AFTER INSERT ON commons_lesson
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_lesson();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_lesson_update ON commons_lesson;",
    """
    CREATE TRIGGER circle_revision_lesson_update AFTER UPDATE ON commons_lesson
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_lesson();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_lesson_delete ON commons_lesson;",
    """
    CREATE TRIGGER circle_revision_lesson_delete AFTER DELETE ON commons_lesson
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_lesson();
    """,
]

BACKWARD = [
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


def _postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("commons", "0002_circle_revision_triggers"),
        ("circles", "0011_circle_revision_statement_triggers"),
    ]

    operations = [
        migrations.RunPython(_postgresql(FORWARD), _postgresql(BACKWARD)),
    ]
