"""A circle's revision is bumped once per statement on PostgreSQL, not once per row.

Frozen: the SQL is written out as it ran the day this migration was made. On SQLite
the triggers were made outside migrations and are dropped by ``circles`` 0012."""

from django.db import migrations

FORWARD = [
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
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS circle_revision_membership_insert ON circles_membership;",
    "DROP TRIGGER IF EXISTS circle_revision_membership_update ON circles_membership;",
    "DROP TRIGGER IF EXISTS circle_revision_membership_delete ON circles_membership;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_membership() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT NEW.circle_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id UNION SELECT NEW.circle_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_membership ON circles_membership;",
    """
    CREATE TRIGGER circle_revision_membership AFTER INSERT OR UPDATE OF kind, state, joined_at, created_at, entry_answer, member_id, circle_id OR DELETE
    ON circles_membership FOR EACH ROW EXECUTE FUNCTION circle_revision_membership();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_log_insert ON circles_actionlog;",
    "DROP TRIGGER IF EXISTS circle_revision_log_update ON circles_actionlog;",
    "DROP TRIGGER IF EXISTS circle_revision_log_delete ON circles_actionlog;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_log() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT NEW.circle_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id UNION SELECT NEW.circle_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_log ON circles_actionlog;",
    """
    CREATE TRIGGER circle_revision_log AFTER INSERT OR UPDATE OR DELETE
    ON circles_actionlog FOR EACH ROW EXECUTE FUNCTION circle_revision_log();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_response_insert ON circles_response;",
    "DROP TRIGGER IF EXISTS circle_revision_response_update ON circles_response;",
    "DROP TRIGGER IF EXISTS circle_revision_response_delete ON circles_response;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_response() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_actionlog WHERE id = NEW.log_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_actionlog WHERE id = OLD.log_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_actionlog WHERE id = OLD.log_id UNION SELECT circle_id FROM circles_actionlog WHERE id = NEW.log_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_response ON circles_response;",
    """
    CREATE TRIGGER circle_revision_response AFTER INSERT OR UPDATE OR DELETE
    ON circles_response FOR EACH ROW EXECUTE FUNCTION circle_revision_response();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_insert ON circles_circle_roles;",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_update ON circles_circle_roles;",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_delete ON circles_circle_roles;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_circle_role() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT NEW.circle_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT OLD.circle_id UNION SELECT NEW.circle_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_circle_role ON circles_circle_roles;",
    """
    CREATE TRIGGER circle_revision_circle_role AFTER INSERT OR UPDATE OR DELETE
    ON circles_circle_roles FOR EACH ROW EXECUTE FUNCTION circle_revision_circle_role();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_tagged_insert ON taggit_taggeditem;",
    "DROP TRIGGER IF EXISTS circle_revision_tagged_update ON taggit_taggeditem;",
    "DROP TRIGGER IF EXISTS circle_revision_tagged_delete ON taggit_taggeditem;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_tagged() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_actionlog WHERE id = NEW.object_id UNION SELECT id FROM circles_circle WHERE id = NEW.object_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_actionlog WHERE id = OLD.object_id UNION SELECT id FROM circles_circle WHERE id = OLD.object_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_actionlog WHERE id = OLD.object_id UNION SELECT id FROM circles_circle WHERE id = OLD.object_id UNION SELECT circle_id FROM circles_actionlog WHERE id = NEW.object_id UNION SELECT id FROM circles_circle WHERE id = NEW.object_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_tagged ON taggit_taggeditem;",
    """
    CREATE TRIGGER circle_revision_tagged AFTER INSERT OR UPDATE OR DELETE
    ON taggit_taggeditem FOR EACH ROW EXECUTE FUNCTION circle_revision_tagged();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_profile_insert ON members_profile;",
    "DROP TRIGGER IF EXISTS circle_revision_profile_update ON members_profile;",
    "DROP TRIGGER IF EXISTS circle_revision_profile_delete ON members_profile;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_profile() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_membership WHERE member_id = NEW.user_id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_membership WHERE member_id = OLD.user_id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_membership WHERE member_id = OLD.user_id UNION SELECT circle_id FROM circles_membership WHERE member_id = NEW.user_id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_profile ON members_profile;",
    """
    CREATE TRIGGER circle_revision_profile AFTER INSERT OR UPDATE OF display_name, organisation, hide_organisation, hide_active_status, bio, introduction, introduction_answered_at OR DELETE
    ON members_profile FOR EACH ROW EXECUTE FUNCTION circle_revision_profile();
    """,
    "DROP TRIGGER IF EXISTS circle_revision_user_email_insert ON members_user;",
    "DROP TRIGGER IF EXISTS circle_revision_user_email_update ON members_user;",
    "DROP TRIGGER IF EXISTS circle_revision_user_email_delete ON members_user;",
    """
    CREATE OR REPLACE FUNCTION circle_revision_user_email() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_membership WHERE member_id = NEW.id);
      ELSIF TG_OP = 'DELETE' THEN UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_membership WHERE member_id = OLD.id);
      ELSE UPDATE circles_circle SET revision = revision + 1 WHERE id IN (SELECT circle_id FROM circles_membership WHERE member_id = OLD.id UNION SELECT circle_id FROM circles_membership WHERE member_id = NEW.id);
      END IF;
      RETURN NULL;
    END $$;
    """,
    "DROP TRIGGER IF EXISTS circle_revision_user_email ON members_user;",
    """
    CREATE TRIGGER circle_revision_user_email AFTER INSERT OR UPDATE OF email OR DELETE
    ON members_user FOR EACH ROW EXECUTE FUNCTION circle_revision_user_email();
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
    dependencies = [("circles", "0010_circle_revision")]

    operations = [
        migrations.RunPython(_postgresql(FORWARD), _postgresql(BACKWARD)),
    ]
