"""A reflective account keeps its answers as safe HTML beside her Markdown, made when it is
saved, so its pages and its .docx show formatted text instead of markup."""

from django.db import migrations, models


def lock_timeout(apps, schema_editor):
    """Wait at most 5 s for the table's lock on PostgreSQL, rather than queue every write
    behind a long transaction."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL lock_timeout = '5s';")


def _html_field():
    return models.TextField(blank=True, default="", editable=False)


class Migration(migrations.Migration):
    dependencies = [("record", "0001_initial")]

    operations = [
        migrations.RunPython(lock_timeout, lock_timeout),
        migrations.AddField(
            model_name="reflectiveaccount", name="nature_html", field=_html_field()
        ),
        migrations.AddField(
            model_name="reflectiveaccount", name="learning_html", field=_html_field()
        ),
        migrations.AddField(
            model_name="reflectiveaccount", name="changed_html", field=_html_field()
        ),
        migrations.AddField(
            model_name="reflectiveaccount", name="code_relevance_html", field=_html_field()
        ),
    ]
