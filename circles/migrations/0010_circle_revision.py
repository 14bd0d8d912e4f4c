"""A circle's revision, kept by database triggers on the circle and on what its pages show:
memberships, logs, responses, roles, tags, members' profiles.

Frozen: the SQL is written out as it ran the day this migration was made. On SQLite
the triggers were made outside migrations and are dropped by ``circles`` 0012."""

from django.db import migrations, models

FORWARD = [
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

BACKWARD = [
    "DROP TRIGGER IF EXISTS circle_revision_membership ON circles_membership;",
    "DROP TRIGGER IF EXISTS circle_revision_membership_insert ON circles_membership;",
    "DROP TRIGGER IF EXISTS circle_revision_membership_update ON circles_membership;",
    "DROP TRIGGER IF EXISTS circle_revision_membership_delete ON circles_membership;",
    "DROP FUNCTION IF EXISTS circle_revision_membership();",
    "DROP TRIGGER IF EXISTS circle_revision_log ON circles_actionlog;",
    "DROP TRIGGER IF EXISTS circle_revision_log_insert ON circles_actionlog;",
    "DROP TRIGGER IF EXISTS circle_revision_log_update ON circles_actionlog;",
    "DROP TRIGGER IF EXISTS circle_revision_log_delete ON circles_actionlog;",
    "DROP FUNCTION IF EXISTS circle_revision_log();",
    "DROP TRIGGER IF EXISTS circle_revision_response ON circles_response;",
    "DROP TRIGGER IF EXISTS circle_revision_response_insert ON circles_response;",
    "DROP TRIGGER IF EXISTS circle_revision_response_update ON circles_response;",
    "DROP TRIGGER IF EXISTS circle_revision_response_delete ON circles_response;",
    "DROP FUNCTION IF EXISTS circle_revision_response();",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role ON circles_circle_roles;",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_insert ON circles_circle_roles;",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_update ON circles_circle_roles;",
    "DROP TRIGGER IF EXISTS circle_revision_circle_role_delete ON circles_circle_roles;",
    "DROP FUNCTION IF EXISTS circle_revision_circle_role();",
    "DROP TRIGGER IF EXISTS circle_revision_tagged ON taggit_taggeditem;",
    "DROP TRIGGER IF EXISTS circle_revision_tagged_insert ON taggit_taggeditem;",
    "DROP TRIGGER IF EXISTS circle_revision_tagged_update ON taggit_taggeditem;",
    "DROP TRIGGER IF EXISTS circle_revision_tagged_delete ON taggit_taggeditem;",
    "DROP FUNCTION IF EXISTS circle_revision_tagged();",
    "DROP TRIGGER IF EXISTS circle_revision_profile ON members_profile;",
    "DROP TRIGGER IF EXISTS circle_revision_profile_insert ON members_profile;",
    "DROP TRIGGER IF EXISTS circle_revision_profile_update ON members_profile;",
    "DROP TRIGGER IF EXISTS circle_revision_profile_delete ON members_profile;",
    "DROP FUNCTION IF EXISTS circle_revision_profile();",
    "DROP TRIGGER IF EXISTS circle_revision_user_email ON members_user;",
    "DROP TRIGGER IF EXISTS circle_revision_user_email_insert ON members_user;",
    "DROP TRIGGER IF EXISTS circle_revision_user_email_update ON members_user;",
    "DROP TRIGGER IF EXISTS circle_revision_user_email_delete ON members_user;",
    "DROP FUNCTION IF EXISTS circle_revision_user_email();",
    "DROP TRIGGER IF EXISTS circle_revision_self ON circles_circle;",
    "DROP FUNCTION IF EXISTS circle_revision_self();",
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
        ("circles", "0009_mentioned_ids"),
        ("members", "0004_profile_introduction_and_privacy"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="circle",
            name="revision",
            field=models.BigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.RunPython(_postgresql(FORWARD), _postgresql(BACKWARD)),
    ]
