"""The circle revision triggers on this app's tables are dropped (see ``circles`` 0012).

Frozen: literal SQL; going back makes them again as 0003 did."""

from django.db import migrations

FORWARD = [
    "SET LOCAL lock_timeout = '5s';",
    "DROP FUNCTION IF EXISTS circle_revision_meeting() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_occurrence() CASCADE;",
]

BACKWARD = [
    """
    CREATE OR REPLACE FUNCTION circle_revision_meeting() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT o.circle_id UNION SELECT n.circle_id) x(id));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_meeting ON meetings_meeting;",
    "DROP TRIGGER IF EXISTS circle_revision_meeting_insert ON meetings_meeting;",
    """
    CREATE TRIGGER circle_revision_meeting_insert AFTER INSERT ON meetings_meeting
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_meeting();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_meeting_update ON meetings_meeting;",
    """
    CREATE TRIGGER circle_revision_meeting_update AFTER UPDATE ON meetings_meeting
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_meeting();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_meeting_delete ON meetings_meeting;",
    """
    CREATE TRIGGER circle_revision_meeting_delete AFTER DELETE ON meetings_meeting
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_meeting();
    """,
    """
    CREATE OR REPLACE FUNCTION circle_revision_occurrence() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT o.circle_id UNION SELECT n.circle_id) x(id));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_occurrence ON meetings_occurrence;",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_insert ON meetings_occurrence;",
    """
    CREATE TRIGGER circle_revision_occurrence_insert AFTER INSERT ON meetings_occurrence
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_occurrence();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_update ON meetings_occurrence;",
    """
    CREATE TRIGGER circle_revision_occurrence_update AFTER UPDATE ON meetings_occurrence
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_occurrence();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_delete ON meetings_occurrence;",
    """
    CREATE TRIGGER circle_revision_occurrence_delete AFTER DELETE ON meetings_occurrence
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_occurrence();
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
    dependencies = [("meetings", "0003_circle_revision_statement_triggers")]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
