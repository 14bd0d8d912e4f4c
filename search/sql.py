"""The triggers that keep ``search_document`` in step with the rows it indexes, per
database vendor: ``install`` puts them back (and re-indexes) when a ``migrate`` lost any.
The migrations that created or changed them each hold a frozen copy of their SQL.

Each source row has one document: its title (weight A), its text (weight B) and its circle
(a log's own; a response's log's; none for a lesson), which lets a search read only the
documents of a member's circles before it asks the visibility rules about them.
"""

# (kind, source table, title expression, body columns, circle expression) for every
# indexed row; ``{row}`` in the circle expression is the row's prefix ("NEW.", a table).
SOURCES = (
    ("log", "circles_actionlog", "title",
     ("situation", "action", "prediction", "outcome", "insight", "next_step", "ask"),
     "{row}circle_id"),
    ("response", "circles_response", None, ("body",),
     "(SELECT a.circle_id FROM circles_actionlog a WHERE a.id = {row}log_id)"),
    ("lesson", "commons_lesson", "title", ("insight", "situation", "action", "outcome"),
     "NULL"),
)  # fmt: skip


def _log_circle_moved(new: str, differs: str) -> str:
    """A log moved to another circle takes its responses' documents with it."""
    return (
        f"UPDATE search_document SET circle_id = {new}circle_id"
        f" WHERE kind = 'response' AND circle_id {differs} {new}circle_id"
        f" AND object_id IN (SELECT id FROM circles_response WHERE log_id = {new}id);"
    )


def _pg_body(prefix: str, columns) -> str:
    return "concat_ws(E'\\n\\n', " + ", ".join(f"{prefix}{c}" for c in columns) + ")"


def _sqlite_body(prefix: str, columns) -> str:
    return " || char(10, 10) || ".join(f"coalesce({prefix}{c}, '')" for c in columns)


def _title(prefix: str, title: str | None) -> str:
    return f"{prefix}{title}" if title else "''"


def _pg_index_function(kind: str, title: str | None, columns, circle: str) -> str:
    moved = ""
    if kind == "log":
        moved = f"""
              IF TG_OP = 'UPDATE' AND OLD.circle_id IS DISTINCT FROM NEW.circle_id THEN
                {_log_circle_moved("NEW.", "IS DISTINCT FROM")}
              END IF;"""
    return f"""
            CREATE OR REPLACE FUNCTION search_index_{kind}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                DELETE FROM search_document WHERE kind = '{kind}' AND object_id = OLD.id;
                RETURN OLD;
              END IF;
              INSERT INTO search_document (kind, object_id, circle_id, title, body)
              VALUES ('{kind}', NEW.id, {circle.format(row="NEW.")}, {_title("NEW.", title)},
                      {_pg_body("NEW.", columns)})
              ON CONFLICT (kind, object_id) DO UPDATE
                SET circle_id = EXCLUDED.circle_id, title = EXCLUDED.title, body = EXCLUDED.body
                WHERE search_document.title IS DISTINCT FROM EXCLUDED.title
                   OR search_document.body IS DISTINCT FROM EXCLUDED.body
                   OR search_document.circle_id IS DISTINCT FROM EXCLUDED.circle_id;{moved}
              RETURN NEW;
            END $$;
            """


def postgresql_install() -> list[str]:
    statements = [
        """
        CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          NEW.vector := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
                     || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B');
          RETURN NEW;
        END $$;
        """,
        "DROP TRIGGER IF EXISTS search_document_vector ON search_document;",
        """
        CREATE TRIGGER search_document_vector BEFORE INSERT OR UPDATE OF title, body
        ON search_document FOR EACH ROW EXECUTE FUNCTION search_document_vector();
        """,
        "CREATE INDEX IF NOT EXISTS search_document_vector_gin"
        " ON search_document USING gin (vector);",
    ]
    for kind, table, title, columns, circle in SOURCES:
        statements += [
            _pg_index_function(kind, title, columns, circle),
            f"DROP TRIGGER IF EXISTS search_index_{kind} ON {table};",
            f"""
            CREATE TRIGGER search_index_{kind} AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION search_index_{kind}();
            """,
        ]
    return statements


def postgresql_uninstall() -> list[str]:
    statements = ["DROP INDEX IF EXISTS search_document_vector_gin;"]
    for kind, table, *_rest in SOURCES:
        statements += [
            f"DROP TRIGGER IF EXISTS search_index_{kind} ON {table};",
            f"DROP FUNCTION IF EXISTS search_index_{kind}();",
        ]
    statements += [
        "DROP TRIGGER IF EXISTS search_document_vector ON search_document;",
        "DROP FUNCTION IF EXISTS search_document_vector();",
    ]
    return statements


def sqlite_install() -> list[str]:
    statements = [
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS search_document_fts USING fts5(
          title, body, content='search_document', content_rowid='id',
          tokenize='porter unicode61 remove_diacritics 2'
        );
        """,
        """
        CREATE TRIGGER IF NOT EXISTS search_document_fts_insert AFTER INSERT ON search_document
        BEGIN
          INSERT INTO search_document_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
        END;
        """,
        """
        CREATE TRIGGER IF NOT EXISTS search_document_fts_delete AFTER DELETE ON search_document
        BEGIN
          INSERT INTO search_document_fts (search_document_fts, rowid, title, body)
          VALUES ('delete', old.id, old.title, old.body);
        END;
        """,
        """
        CREATE TRIGGER IF NOT EXISTS search_document_fts_update
        AFTER UPDATE OF title, body ON search_document
        BEGIN
          INSERT INTO search_document_fts (search_document_fts, rowid, title, body)
          VALUES ('delete', old.id, old.title, old.body);
          INSERT INTO search_document_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
        END;
        """,
    ]
    for kind, table, title, columns, circle in SOURCES:
        upsert = f"""INSERT INTO search_document (kind, object_id, circle_id, title, body)
  VALUES ('{kind}', new.id, {circle.format(row="new.")}, {_title("new.", title)},
          {_sqlite_body("new.", columns)})
  ON CONFLICT (kind, object_id) DO UPDATE
    SET circle_id = excluded.circle_id, title = excluded.title, body = excluded.body
    WHERE search_document.title IS NOT excluded.title
       OR search_document.body IS NOT excluded.body
       OR search_document.circle_id IS NOT excluded.circle_id;"""
        on_update = [upsert]
        if kind == "log":
            on_update.append(_log_circle_moved("new.", "IS NOT"))
        statements += [
            _sqlite_trigger(f"search_index_{kind}_insert", "INSERT", table, [upsert]),
            _sqlite_trigger(f"search_index_{kind}_update", "UPDATE", table, on_update),
            _sqlite_trigger(
                f"search_index_{kind}_delete",
                "DELETE",
                table,
                [f"DELETE FROM search_document WHERE kind = '{kind}' AND object_id = old.id;"],
            ),
        ]
    return statements


def _sqlite_trigger(name: str, event: str, table: str, statements: list[str]) -> str:
    body = "\n".join(f"  {statement}" for statement in statements)
    return f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table}\nBEGIN\n{body}\nEND;"


def sqlite_uninstall() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS search_index_{kind}_{event};"
        for kind, *_rest in SOURCES
        for event in ("insert", "update", "delete")
    ]
    statements += [
        f"DROP TRIGGER IF EXISTS search_document_fts_{event};"
        for event in ("insert", "update", "delete")
    ]
    statements.append("DROP TABLE IF EXISTS search_document_fts;")
    return statements


def _backfill_sql(vendor: str) -> list[str]:
    """Index every existing row afresh (rows written before the triggers existed)."""
    body = _pg_body if vendor == "postgresql" else _sqlite_body
    statements = ["DELETE FROM search_document;"]
    for kind, table, title, columns, circle in SOURCES:
        statements.append(
            f"INSERT INTO search_document (kind, object_id, circle_id, title, body) "
            f"SELECT '{kind}', id, {circle.format(row=f'{table}.')}, {_title('', title)}, "
            f"{body('', columns)} FROM {table};"
        )
    return statements


def install(connection) -> None:
    """Create (or re-create) the triggers and index, and index every existing row."""
    vendor = connection.vendor
    if vendor == "postgresql":  # the vector's trigger first: it fills the rows written next
        statements = [*postgresql_install(), *_backfill_sql(vendor)]
    elif vendor == "sqlite":  # the rows first, then an FTS index built from them
        statements = [
            *_backfill_sql(vendor),
            *sqlite_install(),
            "INSERT INTO search_document_fts (search_document_fts) VALUES ('rebuild');",
        ]
    else:  # pragma: no cover
        raise NotImplementedError(f"Search has no backend for {vendor}.")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def triggers_drop(connection) -> None:
    """SQLite: drop the triggers on the indexed tables (the index itself stays)."""
    with connection.cursor() as cursor:
        for kind, *_rest in SOURCES:
            for event in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS search_index_{kind}_{event};")


def uninstall(connection) -> None:
    statements = postgresql_uninstall() if connection.vendor == "postgresql" else sqlite_uninstall()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _triggers_expected() -> set[str]:
    return {f"search_index_{kind}" for kind, *_rest in SOURCES}


def is_installed(connection) -> bool:
    """Whether every trigger is in place. SQLite drops a table's triggers when a migration
    rebuilds the table (as Django does to alter a column there), and the ``migrate``
    command drops them first on SQLite (``search.apps``), so this is checked after every
    ``migrate``."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            wanted = {
                f"{name}_{event}"
                for name in _triggers_expected()
                for event in ("insert", "update", "delete")
            } | {f"search_document_fts_{event}" for event in ("insert", "update", "delete")}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            names = {row[0] for row in cursor.fetchall()}
            wanted = _triggers_expected() | {"search_document_vector"}
    return wanted <= names


def ensure_installed(connection) -> bool:
    """Install the triggers again (and re-index) when a migration lost any. Returns whether
    it had to."""
    tables = connection.introspection.table_names()
    if "search_document" not in tables or any(t not in tables for _k, t, *_rest in SOURCES):
        return False
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "search_document")
    if "circle_id" not in {column.name for column in columns}:
        return False  # migrated back past the column these triggers fill: migrations own it
    if is_installed(connection):
        return False
    install(connection)
    return True
