"""Fill the circle of the documents written before ``0004_document_circle``: a few
thousand rows per statement, each committed on its own, so a live school's writes are
never held up for long and a killed run resumes where it stopped (only empty circles of
logs and responses are filled)."""

from django.db import migrations

BATCH = 5000

LOGS = """
UPDATE search_document
SET circle_id = (SELECT a.circle_id FROM circles_actionlog a WHERE a.id = search_document.object_id)
WHERE kind = 'log' AND circle_id IS NULL AND id > %s AND id <= %s
"""

RESPONSES = """
UPDATE search_document
SET circle_id = (
  SELECT a.circle_id FROM circles_response r JOIN circles_actionlog a ON a.id = r.log_id
  WHERE r.id = search_document.object_id
)
WHERE kind = 'response' AND circle_id IS NULL AND id > %s AND id <= %s
"""


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM search_document")
        (last,) = cursor.fetchone()
        for start in range(0, last, BATCH):
            for statement in (LOGS, RESPONSES):
                cursor.execute(statement, [start, start + BATCH])
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE search_document")


class Migration(migrations.Migration):
    # Each batch commits on its own.
    atomic = False

    dependencies = [("search", "0004_document_circle")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
