"""The circle revision triggers on this app's tables are dropped (see ``circles`` 0012).

Frozen: literal SQL; going back makes them again as 0003 did."""

from django.db import migrations

FORWARD = [
    "SET LOCAL lock_timeout = '5s';",
    "DROP FUNCTION IF EXISTS circle_revision_report() CASCADE;",
]

BACKWARD = [
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


def _run(postgresql, sqlite=()):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = postgresql if vendor == "postgresql" else sqlite if vendor == "sqlite" else ()
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("facilitation", "0003_circle_revision_statement_triggers")]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
