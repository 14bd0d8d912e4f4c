"""A circle's ``revision``: a number that grows, inside the writing transaction, whenever
anything the circle's pages show is written — by a service, the admin, a bulk load or a
data migration alike, because database triggers keep it (PostgreSQL and SQLite).

Pages keyed by the revisions they show (``circles.pages``) are not read stale after such
a write: a change commits together with its circle's new revision.

Each source is (name, table, the circle ids a row touches as a SELECT over ``{row}``,
the columns whose UPDATE counts or None for all; an INSERT or DELETE always counts).
``APP_SOURCES`` are the rows of apps above ``circles``; their migrations install them.

What changes with no write to these rows (a tag or a role renamed, relative times) waits
for the kept page's expiry (``circles.pages.PAGE_SECONDS``).
"""

from collections.abc import Iterable

CIRCLE_SOURCES = (
    # Not when only a nudge's bookkeeping changes (``last_asked_to_respond_at``).
    ("membership", "circles_membership", "SELECT {row}.circle_id",
     ("kind", "state", "joined_at", "created_at", "entry_answer", "member_id", "circle_id")),
    ("log", "circles_actionlog", "SELECT {row}.circle_id", None),
    ("response", "circles_response",
     "SELECT circle_id FROM circles_actionlog WHERE id = {row}.log_id", None),
    ("circle_role", "circles_circle_roles", "SELECT {row}.circle_id", None),
    # Tags of a log or of a circle with this id: a needless new revision at worst.
    ("tagged", "taggit_taggeditem",
     "SELECT circle_id FROM circles_actionlog WHERE id = {row}.object_id"
     " UNION SELECT id FROM circles_circle WHERE id = {row}.object_id", None),
    # What other members read of her: her name, organisation, introduction.
    ("profile", "members_profile",
     "SELECT circle_id FROM circles_membership WHERE member_id = {row}.user_id",
     ("display_name", "organisation", "hide_organisation", "hide_active_status", "bio",
      "introduction", "introduction_answered_at")),
    # Her name falls back to her address.
    ("user_email", "members_user",
     "SELECT circle_id FROM circles_membership WHERE member_id = {row}.id", ("email",)),
)  # fmt: skip

_BUMP = "UPDATE circles_circle SET revision = revision + 1 WHERE id IN ({ids});"


def _ids(select: str, *rows: str) -> str:
    return " UNION ".join(select.format(row=row) for row in rows)


# PostgreSQL: one trigger per statement and event, over the statement's transition tables,
# so a bulk write (a seed, an import, a data migration) bumps each circle once per
# statement. Row by row, every row wrote a new version of the same few circle rows inside
# one transaction, and each write had to walk past all the earlier ones: a 5,000-row
# insert of tags ran into the statement timeout. A trigger with transition tables cannot
# name columns (``UPDATE OF``), so the UPDATE trigger compares the old and new rows.
_PG_EVENTS = (
    ("insert", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("update", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("delete", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
)


_PG_ROWS = "SELECT x.id FROM {rows} r, LATERAL ({select}) x(id)"
_PG_UPDATED_ROWS = (
    "SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL ({select}) x(id){changed}"
)


def _pg_ids(select: str, columns) -> dict[str, str]:
    """The circle ids a statement's rows touch, for each event: the row-level ``select``
    applied to each row of the transition tables (``LATERAL``)."""
    changed = ""
    if columns:
        olds = ", ".join(f"o.{column}" for column in columns)
        news = ", ".join(f"n.{column}" for column in columns)
        changed = f" WHERE ({olds}) IS DISTINCT FROM ({news})"
    return {
        "insert": _PG_ROWS.format(rows="new_rows", select=select.format(row="r")),
        "delete": _PG_ROWS.format(rows="old_rows", select=select.format(row="r")),
        "update": _PG_UPDATED_ROWS.format(select=_ids(select, "o", "n"), changed=changed),
    }


def _pg_function(name: str, *, insert: str, delete: str, update: str) -> str:
    """The trigger function of a source: bump the circles each event's SELECT names."""
    return f"""
        CREATE OR REPLACE FUNCTION circle_revision_{name}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN {_BUMP.format(ids=insert)}
          ELSIF TG_OP = 'DELETE' THEN {_BUMP.format(ids=delete)}
          ELSE {_BUMP.format(ids=update)}
          END IF;
          RETURN NULL;
        END $$;
        """


def postgresql_install(sources: Iterable) -> list[str]:
    statements = []
    for name, table, select, columns in sources:
        statements += [
            _pg_function(name, **_pg_ids(select, columns)),
            # The row-level trigger of earlier installs, by its name.
            f"DROP TRIGGER IF EXISTS circle_revision_{name} ON {table};",
        ]
        for event, verb, referencing in _PG_EVENTS:
            statements += [
                f"DROP TRIGGER IF EXISTS circle_revision_{name}_{event} ON {table};",
                f"""
                CREATE TRIGGER circle_revision_{name}_{event} AFTER {verb} ON {table}
                {referencing} FOR EACH STATEMENT EXECUTE FUNCTION circle_revision_{name}();
                """,
            ]
    return statements


def postgresql_row_install(sources: Iterable) -> list[str]:
    """The row-level triggers the migrations before ``circles`` 0011 made, each under the
    name it had: going back past that migration makes them again, so the release before
    it finds (and can drop) what it made."""
    statements = []
    for name, table, select, columns in sources:
        of = f" OF {', '.join(columns)}" if columns else ""
        statements += [
            f"DROP TRIGGER IF EXISTS circle_revision_{name}_{event} ON {table};"
            for event, _verb, _referencing in _PG_EVENTS
        ]
        row_ids = {
            "insert": _ids(select, "NEW"),
            "delete": _ids(select, "OLD"),
            "update": _ids(select, "OLD", "NEW"),
        }
        statements += [
            _pg_function(name, **row_ids),
            f"DROP TRIGGER IF EXISTS circle_revision_{name} ON {table};",
            f"""
            CREATE TRIGGER circle_revision_{name} AFTER INSERT OR UPDATE{of} OR DELETE
            ON {table} FOR EACH ROW EXECUTE FUNCTION circle_revision_{name}();
            """,
        ]
    return statements


def postgresql_uninstall(sources: Iterable) -> list[str]:
    statements = []
    for name, table, _select, _columns in sources:
        statements.append(f"DROP TRIGGER IF EXISTS circle_revision_{name} ON {table};")
        statements += [
            f"DROP TRIGGER IF EXISTS circle_revision_{name}_{event} ON {table};"
            for event, _verb, _referencing in _PG_EVENTS
        ]
        statements.append(f"DROP FUNCTION IF EXISTS circle_revision_{name}();")
    return statements


def sqlite_install(sources: Iterable) -> list[str]:
    statements = []
    for name, table, select, columns in sources:
        rows = {"insert": ("new",), "update": ("old", "new"), "delete": ("old",)}
        for event, which in rows.items():
            of = f" OF {', '.join(columns)}" if columns and event == "update" else ""
            statements.append(
                f"""
                CREATE TRIGGER IF NOT EXISTS circle_revision_{name}_{event}
                AFTER {event.upper()}{of} ON {table}
                BEGIN {_BUMP.format(ids=_ids(select, *which))} END;
                """
            )
    return statements


def sqlite_uninstall(sources: Iterable) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS circle_revision_{name}_{event};"
        for name, *_ in sources
        for event in ("insert", "update", "delete")
    ]


# The circle's own row: any other change to it (a new name, an archive, a save that
# carries a revision read earlier) counts too, and the number never goes back.
_SELF_PG = [
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
_SELF_PG_UNDO = [
    "DROP TRIGGER IF EXISTS circle_revision_self ON circles_circle;",
    "DROP FUNCTION IF EXISTS circle_revision_self();",
]
_SELF_SQLITE = [
    """
    CREATE TRIGGER IF NOT EXISTS circle_revision_self AFTER UPDATE ON circles_circle
    WHEN NEW.revision <= OLD.revision
    BEGIN UPDATE circles_circle SET revision = OLD.revision + 1 WHERE id = NEW.id; END;
    """
]
_SELF_SQLITE_UNDO = ["DROP TRIGGER IF EXISTS circle_revision_self;"]


# Rows of apps above ``circles`` that their circle's pages show (each app's migration
# installs its own on PostgreSQL).
APP_SOURCES = (
    ("report", "circles_report", "SELECT {row}.circle_id", None),
    ("meeting", "meetings_meeting", "SELECT {row}.circle_id", None),
    ("occurrence", "meetings_occurrence", "SELECT {row}.circle_id", None),
    ("lesson", "commons_lesson", "SELECT {row}.circle_id", None),
)
ALL_SOURCES = CIRCLE_SOURCES + APP_SOURCES


def sources_named(*names: str) -> tuple:
    return tuple(source for source in ALL_SOURCES if source[0] in names)


# SQLite databases that the ``migrate`` command is migrating now (``circles.apps``).
MIGRATING: set[str] = set()


def install(connection, sources: Iterable = CIRCLE_SOURCES, *, itself: bool = False) -> None:
    """Install these triggers. On SQLite, a trigger naming a table stops SQLite's
    migrations rebuilding that table, so the ``migrate`` command drops them all before
    migrating (``sqlite_drop``) and makes them all again after (``sqlite_refresh``);
    migrations applied any other way make them at once."""
    if connection.vendor != "postgresql":
        if connection.alias not in MIGRATING:
            sqlite_refresh(connection)
        return
    _execute(connection, postgresql_install(tuple(sources)) + (_SELF_PG if itself else []))


def uninstall(connection, sources: Iterable = CIRCLE_SOURCES, *, itself: bool = False) -> None:
    if connection.vendor != "postgresql":
        sqlite_drop(connection)
        return
    _execute(connection, postgresql_uninstall(tuple(sources)) + (_SELF_PG_UNDO if itself else []))


def _execute(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def migration_operation(*names: str):
    """The ``RunPython`` an app's migration adds its ``APP_SOURCES`` with."""
    from django.db import migrations

    sources = sources_named(*names)

    def forwards(apps, schema_editor):
        install(schema_editor.connection, sources)

    def backwards(apps, schema_editor):
        uninstall(schema_editor.connection, sources)

    return migrations.RunPython(forwards, backwards)


def statement_triggers_operation(*names: str):
    """The ``RunPython`` that makes these sources' triggers again as this module writes
    them now (per statement on PostgreSQL), and going back, as they were before
    (``postgresql_row_install``)."""
    from django.db import migrations

    sources = sources_named(*names)

    def forwards(apps, schema_editor):
        install(schema_editor.connection, sources)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            _execute(schema_editor.connection, postgresql_row_install(sources))

    return migrations.RunPython(forwards, backwards)


def sqlite_drop(connection) -> None:
    """SQLite, before migrating: no revision trigger (see ``install``)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in sqlite_uninstall(ALL_SOURCES) + _SELF_SQLITE_UNDO:
            cursor.execute(statement)


def sqlite_refresh(connection) -> None:
    """SQLite, after migrating: every revision trigger, made afresh, on the tables that
    exist now (none while ``circles_circle`` has no revision yet)."""
    if connection.vendor != "sqlite":
        return
    sqlite_drop(connection)
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if "circles_circle" not in tables:
            return
        columns = connection.introspection.get_table_description(cursor, "circles_circle")
        if "revision" not in {column.name for column in columns}:
            return
        sources = [source for source in ALL_SOURCES if source[1] in tables]
        for statement in sqlite_install(sources) + _SELF_SQLITE:
            cursor.execute(statement)
