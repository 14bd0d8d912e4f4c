"""Circles no longer keep a revision: pages are not kept per reader, so nothing reads it.
The triggers go first (on SQLite every revision trigger, of every app's tables, by name:
a trigger naming the column would stop SQLite rebuilding the table), then the column.

Frozen: literal SQL. Going back makes the PostgreSQL triggers of ``circles`` 0011 again;
the other apps' go back with their own 0004."""

from django.db import migrations

FORWARD = [
    "SET LOCAL lock_timeout = '5s';",
    "DROP FUNCTION IF EXISTS circle_revision_membership() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_log() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_response() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_circle_role() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_tagged() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_profile() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_user_email() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_self() CASCADE;",
    # The other apps' too, so that no trigger names the column once it is gone (their
    # 0004 drops them again where their 0003 ran after this).
    "DROP FUNCTION IF EXISTS circle_revision_report() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_meeting() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_occurrence() CASCADE;",
    "DROP FUNCTION IF EXISTS circle_revision_lesson() CASCADE;",
]

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS circle_revision_membership_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_membership_update;",
    "DROP TRIGGER IF EXISTS circle_revision_membership_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_log_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_log_update;",
    "DROP TRIGGER IF EXISTS circle_revision_log_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_response_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_response_update;",
    "DROP TRIGGER IF EXISTS circle_revision_response_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_update;",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_tagged_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_tagged_update;",
    "DROP TRIGGER IF EXISTS circle_revision_tagged_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_profile_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_profile_update;",
    "DROP TRIGGER IF EXISTS circle_revision_profile_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_user_email_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_user_email_update;",
    "DROP TRIGGER IF EXISTS circle_revision_user_email_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_report_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_report_update;",
    "DROP TRIGGER IF EXISTS circle_revision_report_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_meeting_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_meeting_update;",
    "DROP TRIGGER IF EXISTS circle_revision_meeting_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_update;",
    "DROP TRIGGER IF EXISTS circle_revision_occurrence_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_lesson_insert;",
    "DROP TRIGGER IF EXISTS circle_revision_lesson_update;",
    "DROP TRIGGER IF EXISTS circle_revision_lesson_delete;",
    "DROP TRIGGER IF EXISTS circle_revision_self;",
]

BACKWARD = [
    """
    CREATE OR REPLACE FUNCTION circle_revision_membership() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT o.circle_id UNION SELECT n.circle_id) x(id) WHERE (o.kind, o.state, o.joined_at, o.created_at, o.entry_answer, o.member_id, o.circle_id) IS DISTINCT FROM (n.kind, n.state, n.joined_at, n.created_at, n.entry_answer, n.member_id, n.circle_id));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_membership ON circles_membership;",
    "DROP TRIGGER IF EXISTS circle_revision_membership_insert ON circles_membership;",
    """
    CREATE TRIGGER circle_revision_membership_insert AFTER INSERT ON circles_membership
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_membership();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_membership_update ON circles_membership;",
    """
    CREATE TRIGGER circle_revision_membership_update AFTER UPDATE ON circles_membership
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_membership();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_membership_delete ON circles_membership;",
    """
    CREATE TRIGGER circle_revision_membership_delete AFTER DELETE ON circles_membership
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_membership();
    """,
    """
    CREATE OR REPLACE FUNCTION circle_revision_log() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT o.circle_id UNION SELECT n.circle_id) x(id));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_log ON circles_actionlog;",
    "DROP TRIGGER IF EXISTS circle_revision_log_insert ON circles_actionlog;",
    """
    CREATE TRIGGER circle_revision_log_insert AFTER INSERT ON circles_actionlog
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_log();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_log_update ON circles_actionlog;",
    """
    CREATE TRIGGER circle_revision_log_update AFTER UPDATE ON circles_actionlog
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_log();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_log_delete ON circles_actionlog;",
    """
    CREATE TRIGGER circle_revision_log_delete AFTER DELETE ON circles_actionlog
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_log();
    """,
    """
    CREATE OR REPLACE FUNCTION circle_revision_response() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT circle_id FROM circles_actionlog WHERE id = r.log_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT circle_id FROM circles_actionlog WHERE id = r.log_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT circle_id FROM circles_actionlog WHERE id = o.log_id UNION SELECT circle_id FROM circles_actionlog WHERE id = n.log_id) x(id));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_response ON circles_response;",
    "DROP TRIGGER IF EXISTS circle_revision_response_insert ON circles_response;",
    """
    CREATE TRIGGER circle_revision_response_insert AFTER INSERT ON circles_response
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_response();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_response_update ON circles_response;",
    """
    CREATE TRIGGER circle_revision_response_update AFTER UPDATE ON circles_response
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_response();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_response_delete ON circles_response;",
    """
    CREATE TRIGGER circle_revision_response_delete AFTER DELETE ON circles_response
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_response();
    """,
    """
    CREATE OR REPLACE FUNCTION circle_revision_circle_role() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT r.circle_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT o.circle_id UNION SELECT n.circle_id) x(id));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_circle_role ON circles_circle_roles;",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_insert ON circles_circle_roles;",
    """
    CREATE TRIGGER circle_revision_circle_role_insert AFTER INSERT ON circles_circle_roles
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_circle_role();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_update ON circles_circle_roles;",
    """
    CREATE TRIGGER circle_revision_circle_role_update AFTER UPDATE ON circles_circle_roles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_circle_role();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_delete ON circles_circle_roles;",
    """
    CREATE TRIGGER circle_revision_circle_role_delete AFTER DELETE ON circles_circle_roles
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_circle_role();
    """,
    """
    CREATE OR REPLACE FUNCTION circle_revision_tagged() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT circle_id FROM circles_actionlog WHERE id = r.object_id UNION SELECT id FROM circles_circle WHERE id = r.object_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT circle_id FROM circles_actionlog WHERE id = r.object_id UNION SELECT id FROM circles_circle WHERE id = r.object_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT circle_id FROM circles_actionlog WHERE id = o.object_id UNION SELECT id FROM circles_circle WHERE id = o.object_id UNION SELECT circle_id FROM circles_actionlog WHERE id = n.object_id UNION SELECT id FROM circles_circle WHERE id = n.object_id) x(id));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_tagged ON taggit_taggeditem;",
    "DROP TRIGGER IF EXISTS circle_revision_tagged_insert ON taggit_taggeditem;",
    """
    CREATE TRIGGER circle_revision_tagged_insert AFTER INSERT ON taggit_taggeditem
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_tagged();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_tagged_update ON taggit_taggeditem;",
    """
    CREATE TRIGGER circle_revision_tagged_update AFTER UPDATE ON taggit_taggeditem
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_tagged();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_tagged_delete ON taggit_taggeditem;",
    """
    CREATE TRIGGER circle_revision_tagged_delete AFTER DELETE ON taggit_taggeditem
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_tagged();
    """,
    """
    CREATE OR REPLACE FUNCTION circle_revision_profile() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT circle_id FROM circles_membership WHERE member_id = r.user_id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT circle_id FROM circles_membership WHERE member_id = r.user_id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT circle_id FROM circles_membership WHERE member_id = o.user_id UNION SELECT circle_id FROM circles_membership WHERE member_id = n.user_id) x(id) WHERE (o.display_name, o.organisation, o.hide_organisation, o.hide_active_status, o.bio, o.introduction, o.introduction_answered_at) IS DISTINCT FROM (n.display_name, n.organisation, n.hide_organisation, n.hide_active_status, n.bio, n.introduction, n.introduction_answered_at));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_profile ON members_profile;",
    "DROP TRIGGER IF EXISTS circle_revision_profile_insert ON members_profile;",
    """
    CREATE TRIGGER circle_revision_profile_insert AFTER INSERT ON members_profile
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_profile();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_profile_update ON members_profile;",
    """
    CREATE TRIGGER circle_revision_profile_update AFTER UPDATE ON members_profile
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_profile();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_profile_delete ON members_profile;",
    """
    CREATE TRIGGER circle_revision_profile_delete AFTER DELETE ON members_profile
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_profile();
    """,
    """
    CREATE OR REPLACE FUNCTION circle_revision_user_email() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM new_rows r, LATERAL (SELECT circle_id FROM circles_membership WHERE member_id = r.id) x(id));
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows r, LATERAL (SELECT circle_id FROM circles_membership WHERE member_id = r.id) x(id));
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (SELECT circle_id FROM circles_membership WHERE member_id = o.id UNION SELECT circle_id FROM circles_membership WHERE member_id = n.id) x(id) WHERE (o.email) IS DISTINCT FROM (n.email));
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_user_email ON members_user;",
    "DROP TRIGGER IF EXISTS circle_revision_user_email_insert ON members_user;",
    """
    CREATE TRIGGER circle_revision_user_email_insert AFTER INSERT ON members_user
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_user_email();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_user_email_update ON members_user;",
    """
    CREATE TRIGGER circle_revision_user_email_update AFTER UPDATE ON members_user
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_user_email();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_user_email_delete ON members_user;",
    """
    CREATE TRIGGER circle_revision_user_email_delete AFTER DELETE ON members_user
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_user_email();
    """,
    """
    CREATE OR REPLACE FUNCTION circle_revision_self() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE circles_circle SET revision = OLD.revision + 1 WHERE id = NEW.id;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_self ON circles_circle;",
    """
    CREATE TRIGGER circle_revision_self AFTER UPDATE ON circles_circle
    FOR EACH ROW WHEN (NEW.revision <= OLD.revision) EXECUTE FUNCTION circle_revision_self();
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
    # After each app has dropped its own triggers, so that going back past an app's 0004
    # (which makes its triggers again) first brings the column back.
    dependencies = [
        ("circles", "0011_circle_revision_statement_triggers"),
        ("commons", "0004_circle_revision_drop"),
        ("facilitation", "0004_circle_revision_drop"),
        ("meetings", "0004_circle_revision_drop"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD, SQLITE_FORWARD), _run(BACKWARD)),
        migrations.RemoveField(model_name="circle", name="revision"),
    ]
