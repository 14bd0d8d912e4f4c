"""The triggers that keep search_document in step with logs, responses and lessons, for the
database in use (PostgreSQL: a weighted tsvector and a GIN index; SQLite: an FTS5 table),
and the documents of the rows that already exist.

Frozen: the SQL as it was when this migration was written (``search/sql.py`` has moved on
since, and later migrations change what this one installed)."""

from django.db import migrations

POSTGRESQL_INSTALL = [
    r"""
    CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.vector := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
                 || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B');
      RETURN NEW;
    END $$;
    """,
    r"DROP TRIGGER IF EXISTS search_document_vector ON search_document;",
    r"""
    CREATE TRIGGER search_document_vector BEFORE INSERT OR UPDATE OF title, body
    ON search_document FOR EACH ROW EXECUTE FUNCTION search_document_vector();
    """,
    r"""
    CREATE INDEX IF NOT EXISTS search_document_vector_gin ON search_document USING gin (vector);
    """,
    r"""
    CREATE OR REPLACE FUNCTION search_index_log() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM search_document WHERE kind = 'log' AND object_id = OLD.id;
        RETURN OLD;
      END IF;
      INSERT INTO search_document (kind, object_id, title, body)
      VALUES ('log', NEW.id, NEW.title, concat_ws(E'\n\n', NEW.situation, NEW.action, NEW.prediction, NEW.outcome, NEW.insight, NEW.next_step, NEW.ask))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET title = EXCLUDED.title, body = EXCLUDED.body
        WHERE search_document.title IS DISTINCT FROM EXCLUDED.title
           OR search_document.body IS DISTINCT FROM EXCLUDED.body;
      RETURN NEW;
    END $$;
    """,
    r"DROP TRIGGER IF EXISTS search_index_log ON circles_actionlog;",
    r"""
    CREATE TRIGGER search_index_log AFTER INSERT OR UPDATE OR DELETE ON circles_actionlog
    FOR EACH ROW EXECUTE FUNCTION search_index_log();
    """,
    r"""
    CREATE OR REPLACE FUNCTION search_index_response() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM search_document WHERE kind = 'response' AND object_id = OLD.id;
        RETURN OLD;
      END IF;
      INSERT INTO search_document (kind, object_id, title, body)
      VALUES ('response', NEW.id, '', concat_ws(E'\n\n', NEW.body))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET title = EXCLUDED.title, body = EXCLUDED.body
        WHERE search_document.title IS DISTINCT FROM EXCLUDED.title
           OR search_document.body IS DISTINCT FROM EXCLUDED.body;
      RETURN NEW;
    END $$;
    """,
    r"DROP TRIGGER IF EXISTS search_index_response ON circles_response;",
    r"""
    CREATE TRIGGER search_index_response AFTER INSERT OR UPDATE OR DELETE ON circles_response
    FOR EACH ROW EXECUTE FUNCTION search_index_response();
    """,
    r"""
    CREATE OR REPLACE FUNCTION search_index_lesson() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM search_document WHERE kind = 'lesson' AND object_id = OLD.id;
        RETURN OLD;
      END IF;
      INSERT INTO search_document (kind, object_id, title, body)
      VALUES ('lesson', NEW.id, NEW.title, concat_ws(E'\n\n', NEW.insight, NEW.situation, NEW.action, NEW.outcome))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET title = EXCLUDED.title, body = EXCLUDED.body
        WHERE search_document.title IS DISTINCT FROM EXCLUDED.title
           OR search_document.body IS DISTINCT FROM EXCLUDED.body;
      RETURN NEW;
    END $$;
    """,
    r"DROP TRIGGER IF EXISTS search_index_lesson ON commons_lesson;",
    r"""
    CREATE TRIGGER search_index_lesson AFTER INSERT OR UPDATE OR DELETE ON commons_lesson
    FOR EACH ROW EXECUTE FUNCTION search_index_lesson();
    """,
    r"DELETE FROM search_document;",
    r"""
    INSERT INTO search_document (kind, object_id, title, body) SELECT 'log', id, title, concat_ws(E'\n\n', situation, action, prediction, outcome, insight, next_step, ask) FROM circles_actionlog;
    """,
    r"""
    INSERT INTO search_document (kind, object_id, title, body) SELECT 'response', id, '', concat_ws(E'\n\n', body) FROM circles_response;
    """,
    r"""
    INSERT INTO search_document (kind, object_id, title, body) SELECT 'lesson', id, title, concat_ws(E'\n\n', insight, situation, action, outcome) FROM commons_lesson;
    """,
]

POSTGRESQL_UNINSTALL = [
    r"DROP INDEX IF EXISTS search_document_vector_gin;",
    r"DROP TRIGGER IF EXISTS search_index_log ON circles_actionlog;",
    r"DROP FUNCTION IF EXISTS search_index_log();",
    r"DROP TRIGGER IF EXISTS search_index_response ON circles_response;",
    r"DROP FUNCTION IF EXISTS search_index_response();",
    r"DROP TRIGGER IF EXISTS search_index_lesson ON commons_lesson;",
    r"DROP FUNCTION IF EXISTS search_index_lesson();",
    r"DROP TRIGGER IF EXISTS search_document_vector ON search_document;",
    r"DROP FUNCTION IF EXISTS search_document_vector();",
]

SQLITE_INSTALL = [
    r"DELETE FROM search_document;",
    r"""
    INSERT INTO search_document (kind, object_id, title, body) SELECT 'log', id, title, coalesce(situation, '') || char(10, 10) || coalesce(action, '') || char(10, 10) || coalesce(prediction, '') || char(10, 10) || coalesce(outcome, '') || char(10, 10) || coalesce(insight, '') || char(10, 10) || coalesce(next_step, '') || char(10, 10) || coalesce(ask, '') FROM circles_actionlog;
    """,
    r"""
    INSERT INTO search_document (kind, object_id, title, body) SELECT 'response', id, '', coalesce(body, '') FROM circles_response;
    """,
    r"""
    INSERT INTO search_document (kind, object_id, title, body) SELECT 'lesson', id, title, coalesce(insight, '') || char(10, 10) || coalesce(situation, '') || char(10, 10) || coalesce(action, '') || char(10, 10) || coalesce(outcome, '') FROM commons_lesson;
    """,
    r"""
    CREATE VIRTUAL TABLE IF NOT EXISTS search_document_fts USING fts5(
      title, body, content='search_document', content_rowid='id',
      tokenize='porter unicode61 remove_diacritics 2'
    );
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_document_fts_insert AFTER INSERT ON search_document
    BEGIN
      INSERT INTO search_document_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_document_fts_delete AFTER DELETE ON search_document
    BEGIN
      INSERT INTO search_document_fts (search_document_fts, rowid, title, body)
      VALUES ('delete', old.id, old.title, old.body);
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_document_fts_update AFTER UPDATE ON search_document
    BEGIN
      INSERT INTO search_document_fts (search_document_fts, rowid, title, body)
      VALUES ('delete', old.id, old.title, old.body);
      INSERT INTO search_document_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_log_insert AFTER INSERT ON circles_actionlog
    BEGIN
      INSERT INTO search_document (kind, object_id, title, body)
      VALUES ('log', new.id, new.title, coalesce(new.situation, '') || char(10, 10) || coalesce(new.action, '') || char(10, 10) || coalesce(new.prediction, '') || char(10, 10) || coalesce(new.outcome, '') || char(10, 10) || coalesce(new.insight, '') || char(10, 10) || coalesce(new.next_step, '') || char(10, 10) || coalesce(new.ask, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_log_update AFTER UPDATE ON circles_actionlog
    BEGIN
      INSERT INTO search_document (kind, object_id, title, body)
      VALUES ('log', new.id, new.title, coalesce(new.situation, '') || char(10, 10) || coalesce(new.action, '') || char(10, 10) || coalesce(new.prediction, '') || char(10, 10) || coalesce(new.outcome, '') || char(10, 10) || coalesce(new.insight, '') || char(10, 10) || coalesce(new.next_step, '') || char(10, 10) || coalesce(new.ask, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_log_delete AFTER DELETE ON circles_actionlog
    BEGIN
      DELETE FROM search_document WHERE kind = 'log' AND object_id = old.id;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_response_insert AFTER INSERT ON circles_response
    BEGIN
      INSERT INTO search_document (kind, object_id, title, body)
      VALUES ('response', new.id, '', coalesce(new.body, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_response_update AFTER UPDATE ON circles_response
    BEGIN
      INSERT INTO search_document (kind, object_id, title, body)
      VALUES ('response', new.id, '', coalesce(new.body, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_response_delete AFTER DELETE ON circles_response
    BEGIN
      DELETE FROM search_document WHERE kind = 'response' AND object_id = old.id;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_lesson_insert AFTER INSERT ON commons_lesson
    BEGIN
      INSERT INTO search_document (kind, object_id, title, body)
      VALUES ('lesson', new.id, new.title, coalesce(new.insight, '') || char(10, 10) || coalesce(new.situation, '') || char(10, 10) || coalesce(new.action, '') || char(10, 10) || coalesce(new.outcome, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_lesson_update AFTER UPDATE ON commons_lesson
    BEGIN
      INSERT INTO search_document (kind, object_id, title, body)
      VALUES ('lesson', new.id, new.title, coalesce(new.insight, '') || char(10, 10) || coalesce(new.situation, '') || char(10, 10) || coalesce(new.action, '') || char(10, 10) || coalesce(new.outcome, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_lesson_delete AFTER DELETE ON commons_lesson
    BEGIN
      DELETE FROM search_document WHERE kind = 'lesson' AND object_id = old.id;
    END;
    """,
    r"INSERT INTO search_document_fts (search_document_fts) VALUES ('rebuild');",
]

SQLITE_UNINSTALL = [
    r"DROP TRIGGER IF EXISTS search_index_log_insert;",
    r"DROP TRIGGER IF EXISTS search_index_log_update;",
    r"DROP TRIGGER IF EXISTS search_index_log_delete;",
    r"DROP TRIGGER IF EXISTS search_index_response_insert;",
    r"DROP TRIGGER IF EXISTS search_index_response_update;",
    r"DROP TRIGGER IF EXISTS search_index_response_delete;",
    r"DROP TRIGGER IF EXISTS search_index_lesson_insert;",
    r"DROP TRIGGER IF EXISTS search_index_lesson_update;",
    r"DROP TRIGGER IF EXISTS search_index_lesson_delete;",
    r"DROP TRIGGER IF EXISTS search_document_fts_insert;",
    r"DROP TRIGGER IF EXISTS search_document_fts_update;",
    r"DROP TRIGGER IF EXISTS search_document_fts_delete;",
    r"DROP TABLE IF EXISTS search_document_fts;",
]


def _run(schema_editor, statements) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_INSTALL)
    else:
        _run(schema_editor, SQLITE_INSTALL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_UNINSTALL)
    else:
        _run(schema_editor, SQLITE_UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("circles", "0007_report_and_moderation_action_to_facilitation"),
        ("commons", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
