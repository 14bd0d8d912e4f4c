"""The circle revision triggers again, once per statement on PostgreSQL.

Frozen: the SQL is written out as it ran the day this migration was made. On SQLite
the triggers were made outside migrations and are dropped by ``circles`` 0012."""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION circle_revision_report() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT o.circle_id UNION SELECT n.circle_id) x(id));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_report ON circles_report;",
    "DROP TRIGGER IF EXISTS circle_revision_report_insert ON circles_report;",
    """
    CREATE TRIGGER circle_revision_report_insert AFTER INSERT ON circles_report
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_report();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_report_update ON circles_report;",
    """
    CREATE TRIGGER circle_revision_report_update AFTER UPDATE ON circles_report
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_report();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_report_delete ON circles_report;",
    """
    CREATE TRIGGER circle_revision_report_delete AFTER DELETE ON circles_report
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_report();
    """,
]

BACKWARD = [
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


def _postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("facilitation", "0002_circle_revision_triggers"),
        ("circles", "0011_circle_revision_statement_triggers"),
    ]

    operations = [
        migrations.RunPython(_postgresql(FORWARD), _postgresql(BACKWARD)),
    ]
