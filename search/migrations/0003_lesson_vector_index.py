"""PostgreSQL: a GIN index over the lessons' vectors alone, so "Lessons from elsewhere"
on a log's page reads the few lessons' entries instead of every log's that shares a word."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_document_lesson_vector_gin "
            "ON search_document USING gin (vector) WHERE kind = 'lesson'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_lesson_vector_gin")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index_triggers")]

    operations = [migrations.RunPython(create, drop)]
