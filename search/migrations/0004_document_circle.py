"""Each document's circle (a log's own, a response's log's; none for a lesson), kept by the
triggers, and an index on it: a search reads the documents of the reader's circles (and
the commons) instead of every match in the school before the visibility rules are asked.

The column is empty until ``0005_document_circle_backfill`` fills it; rows written from
now on get theirs from the triggers. Frozen SQL; ``search/sql.py`` holds the current
triggers, for ``sql.install``."""

from django.db import migrations, models

POSTGRESQL_FUNCTIONS = [
    r"""
    CREATE OR REPLACE FUNCTION search_index_log() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM search_document WHERE kind = 'log' AND object_id = OLD.id;
        RETURN OLD;
      END IF;
      INSERT INTO search_document (kind, object_id, circle_id, title, body)
      VALUES ('log', NEW.id, NEW.circle_id, NEW.title,
              concat_ws(E'\n\n', NEW.situation, NEW.action, NEW.prediction, NEW.outcome, NEW.insight, NEW.next_step, NEW.ask))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET circle_id = EXCLUDED.circle_id, title = EXCLUDED.title, body = EXCLUDED.body
        WHERE search_document.title IS DISTINCT FROM EXCLUDED.title
           OR search_document.body IS DISTINCT FROM EXCLUDED.body
           OR search_document.circle_id IS DISTINCT FROM EXCLUDED.circle_id;
      IF TG_OP = 'UPDATE' AND OLD.circle_id IS DISTINCT FROM NEW.circle_id THEN
        UPDATE search_document SET circle_id = NEW.circle_id WHERE kind = 'response' AND circle_id IS DISTINCT FROM NEW.circle_id AND object_id IN (SELECT id FROM circles_response WHERE log_id = NEW.id);
      END IF;
      RETURN NEW;
    END $$;
    """,
    r"""
    CREATE OR REPLACE FUNCTION search_index_response() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM search_document WHERE kind = 'response' AND object_id = OLD.id;
        RETURN OLD;
      END IF;
      INSERT INTO search_document (kind, object_id, circle_id, title, body)
      VALUES ('response', NEW.id, (SELECT a.circle_id FROM circles_actionlog a WHERE a.id = NEW.log_id), '',
              concat_ws(E'\n\n', NEW.body))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET circle_id = EXCLUDED.circle_id, title = EXCLUDED.title, body = EXCLUDED.body
        WHERE search_document.title IS DISTINCT FROM EXCLUDED.title
           OR search_document.body IS DISTINCT FROM EXCLUDED.body
           OR search_document.circle_id IS DISTINCT FROM EXCLUDED.circle_id;
      RETURN NEW;
    END $$;
    """,
    r"""
    CREATE OR REPLACE FUNCTION search_index_lesson() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM search_document WHERE kind = 'lesson' AND object_id = OLD.id;
        RETURN OLD;
      END IF;
      INSERT INTO search_document (kind, object_id, circle_id, title, body)
      VALUES ('lesson', NEW.id, NULL, NEW.title,
              concat_ws(E'\n\n', NEW.insight, NEW.situation, NEW.action, NEW.outcome))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET circle_id = EXCLUDED.circle_id, title = EXCLUDED.title, body = EXCLUDED.body
        WHERE search_document.title IS DISTINCT FROM EXCLUDED.title
           OR search_document.body IS DISTINCT FROM EXCLUDED.body
           OR search_document.circle_id IS DISTINCT FROM EXCLUDED.circle_id;
      RETURN NEW;
    END $$;
    """,
]

POSTGRESQL_FUNCTIONS_BEFORE = [
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
]

SQLITE_TRIGGERS = [
    r"DROP TRIGGER IF EXISTS search_document_fts_update;",
    r"DROP TRIGGER IF EXISTS search_index_log_insert;",
    r"DROP TRIGGER IF EXISTS search_index_log_update;",
    r"DROP TRIGGER IF EXISTS search_index_response_insert;",
    r"DROP TRIGGER IF EXISTS search_index_response_update;",
    r"DROP TRIGGER IF EXISTS search_index_lesson_insert;",
    r"DROP TRIGGER IF EXISTS search_index_lesson_update;",
    r"""
    CREATE TRIGGER IF NOT EXISTS search_document_fts_update
    AFTER UPDATE OF title, body ON search_document
    BEGIN
      INSERT INTO search_document_fts (search_document_fts, rowid, title, body)
      VALUES ('delete', old.id, old.title, old.body);
      INSERT INTO search_document_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_log_insert AFTER INSERT ON circles_actionlog
    BEGIN
      INSERT INTO search_document (kind, object_id, circle_id, title, body)
      VALUES ('log', new.id, new.circle_id, new.title,
              coalesce(new.situation, '') || char(10, 10) || coalesce(new.action, '') || char(10, 10) || coalesce(new.prediction, '') || char(10, 10) || coalesce(new.outcome, '') || char(10, 10) || coalesce(new.insight, '') || char(10, 10) || coalesce(new.next_step, '') || char(10, 10) || coalesce(new.ask, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET circle_id = excluded.circle_id, title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body
           OR search_document.circle_id IS NOT excluded.circle_id;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_log_update AFTER UPDATE ON circles_actionlog
    BEGIN
      INSERT INTO search_document (kind, object_id, circle_id, title, body)
      VALUES ('log', new.id, new.circle_id, new.title,
              coalesce(new.situation, '') || char(10, 10) || coalesce(new.action, '') || char(10, 10) || coalesce(new.prediction, '') || char(10, 10) || coalesce(new.outcome, '') || char(10, 10) || coalesce(new.insight, '') || char(10, 10) || coalesce(new.next_step, '') || char(10, 10) || coalesce(new.ask, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET circle_id = excluded.circle_id, title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body
           OR search_document.circle_id IS NOT excluded.circle_id;
      UPDATE search_document SET circle_id = new.circle_id WHERE kind = 'response' AND circle_id IS NOT new.circle_id AND object_id IN (SELECT id FROM circles_response WHERE log_id = new.id);
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_response_insert AFTER INSERT ON circles_response
    BEGIN
      INSERT INTO search_document (kind, object_id, circle_id, title, body)
      VALUES ('response', new.id, (SELECT a.circle_id FROM circles_actionlog a WHERE a.id = new.log_id), '',
              coalesce(new.body, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET circle_id = excluded.circle_id, title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body
           OR search_document.circle_id IS NOT excluded.circle_id;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_response_update AFTER UPDATE ON circles_response
    BEGIN
      INSERT INTO search_document (kind, object_id, circle_id, title, body)
      VALUES ('response', new.id, (SELECT a.circle_id FROM circles_actionlog a WHERE a.id = new.log_id), '',
              coalesce(new.body, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET circle_id = excluded.circle_id, title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body
           OR search_document.circle_id IS NOT excluded.circle_id;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_lesson_insert AFTER INSERT ON commons_lesson
    BEGIN
      INSERT INTO search_document (kind, object_id, circle_id, title, body)
      VALUES ('lesson', new.id, NULL, new.title,
              coalesce(new.insight, '') || char(10, 10) || coalesce(new.situation, '') || char(10, 10) || coalesce(new.action, '') || char(10, 10) || coalesce(new.outcome, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET circle_id = excluded.circle_id, title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body
           OR search_document.circle_id IS NOT excluded.circle_id;
    END;
    """,
    r"""
    CREATE TRIGGER IF NOT EXISTS search_index_lesson_update AFTER UPDATE ON commons_lesson
    BEGIN
      INSERT INTO search_document (kind, object_id, circle_id, title, body)
      VALUES ('lesson', new.id, NULL, new.title,
              coalesce(new.insight, '') || char(10, 10) || coalesce(new.situation, '') || char(10, 10) || coalesce(new.action, '') || char(10, 10) || coalesce(new.outcome, ''))
      ON CONFLICT (kind, object_id) DO UPDATE
        SET circle_id = excluded.circle_id, title = excluded.title, body = excluded.body
        WHERE search_document.title IS NOT excluded.title
           OR search_document.body IS NOT excluded.body
           OR search_document.circle_id IS NOT excluded.circle_id;
    END;
    """,
]

SQLITE_TRIGGERS_BEFORE = [
    r"DROP TRIGGER IF EXISTS search_document_fts_update;",
    r"DROP TRIGGER IF EXISTS search_index_log_insert;",
    r"DROP TRIGGER IF EXISTS search_index_log_update;",
    r"DROP TRIGGER IF EXISTS search_index_response_insert;",
    r"DROP TRIGGER IF EXISTS search_index_response_update;",
    r"DROP TRIGGER IF EXISTS search_index_lesson_insert;",
    r"DROP TRIGGER IF EXISTS search_index_lesson_update;",
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
]


def _run(schema_editor, statements) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def _locked(schema_editor, statement: str) -> None:
    """A statement that takes the table's lock, given up on rather than queued behind a
    long transaction (and every write queued behind it)."""
    _run(schema_editor, ["SET lock_timeout = '5s';"])
    try:
        _run(schema_editor, [statement])
    finally:
        _run(schema_editor, ["RESET lock_timeout;"])


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _locked(
            schema_editor, "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS circle_id bigint;"
        )
        _run(schema_editor, POSTGRESQL_FUNCTIONS)
        _run(
            schema_editor,
            [
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_document_circle_idx"
                " ON search_document (circle_id);"
            ],
        )
    else:
        _run(schema_editor, ["ALTER TABLE search_document ADD COLUMN circle_id bigint;"])
        _run(schema_editor, SQLITE_TRIGGERS)
        _run(
            schema_editor,
            [
                "CREATE INDEX IF NOT EXISTS search_document_circle_idx ON search_document (circle_id);"
            ],
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, ["DROP INDEX CONCURRENTLY IF EXISTS search_document_circle_idx;"])
        _run(schema_editor, POSTGRESQL_FUNCTIONS_BEFORE)
        _locked(schema_editor, "ALTER TABLE search_document DROP COLUMN IF EXISTS circle_id;")
    else:
        _run(schema_editor, ["DROP INDEX IF EXISTS search_document_circle_idx;"])
        _run(schema_editor, SQLITE_TRIGGERS_BEFORE)
        _run(schema_editor, ["ALTER TABLE search_document DROP COLUMN circle_id;"])


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("search", "0003_lesson_vector_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[
                migrations.AddField(
                    model_name="searchdocument",
                    name="circle_id",
                    field=models.BigIntegerField(editable=False, null=True),
                ),
                migrations.AddIndex(
                    model_name="searchdocument",
                    index=models.Index(fields=["circle_id"], name="search_document_circle_idx"),
                ),
            ],
        )
    ]
