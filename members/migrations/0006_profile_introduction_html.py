"""A member's introduction keeps its Markdown rendered and sanitised beside the source, as
logs and responses do: the pages show the rendered text, never the raw marks. The column
comes empty; existing introductions are rendered apart (0007)."""

from django.db import migrations, models


def lock_timeout(apps, schema_editor):
    """Wait at most 5 s for the table's lock on PostgreSQL, rather than queue every write
    behind a long transaction."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL lock_timeout = '5s';")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_sessions_name_the_new_backends"),
    ]

    operations = [
        migrations.RunPython(lock_timeout, lock_timeout),
        migrations.AddField(
            model_name="profile",
            name="introduction_html",
            field=models.TextField(blank=True, default="", editable=False),
            preserve_default=False,
        ),
    ]
