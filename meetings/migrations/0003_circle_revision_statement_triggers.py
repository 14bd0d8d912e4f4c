"""The circle revision triggers again, once per statement on PostgreSQL.

Frozen: the SQL is written out as it ran the day this migration was made. On SQLite
the triggers were made outside migrations and are dropped by ``circles`` 0012."""

from django.db import migrations

FORWARD = [
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

BACKWARD = [
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


def _postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_circle_revision_triggers"),
        ("circles", "0011_circle_revision_statement_triggers"),
    ]

    operations = [
        migrations.RunPython(_postgresql(FORWARD), _postgresql(BACKWARD)),
    ]
