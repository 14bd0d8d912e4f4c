"""Statements that run on every signed-in request, kept prepared on the database server
where the backend can (``school.postgresql``: parsed and planned once per connection)."""


def execute_prepared(cursor, name: str, sql: str, params) -> None:
    """``cursor.execute(sql, params)``; on PostgreSQL as the prepared statement ``name``
    (one name for one ``sql`` in a process)."""
    execute = getattr(cursor.db, "execute_prepared", None)
    if execute is None:
        cursor.execute(sql, params)
    else:
        execute(cursor, name, sql, params)
