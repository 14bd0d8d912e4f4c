"""Reports count in their circle's revision.

Frozen: the SQL is written out as it ran the day this migration was made. On SQLite
the triggers were made outside migrations and are dropped by ``circles`` 0012."""

from django.db import migrations

FORWARD = [
    "DROP TRIGGER IF EXISTS circle_revision_report_insert ON circles_report;",
    "DROP TRIGGER IF EXISTS circle_revision_report_update ON circles_report;",
    "DROP TRIGGER IF EXISTS circle_revision_report_delete ON circles_report;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_report() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT NEW.circle_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id UNION SELECT NEW.circle_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_report ON circles_report;",
    """
    CREATE TRIGGER circle_revision_report AFTER INSERT OR UPDATE OR DELETE
    ON circles_report FOR EACH ROW EXECUTE FUNCTION circle_revision_report();
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS circle_revision_report ON circles_report;",
    "DROP TRIGGER IF EXISTS circle_revision_report_insert ON circles_report;",
    "DROP TRIGGER IF EXISTS circle_revision_report_update ON circles_report;",
    "DROP TRIGGER IF EXISTS circle_revision_report_delete ON circles_report;",
    "DROP FUNCTION IF EXISTS circle_revision_report();",
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
        ("facilitation", "0001_report_and_moderation_action_from_circles"),
        ("circles", "0010_circle_revision"),
    ]

    operations = [
        migrations.RunPython(_postgresql(FORWARD), _postgresql(BACKWARD)),
    ]
