"""A member's introduction keeps its Markdown rendered and sanitised beside the source, as
logs and responses do: the pages show the rendered text, never the raw marks. The column
comes empty; existing introductions are rendered apart (0007)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_sessions_name_the_new_backends"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="introduction_html",
            field=models.TextField(blank=True, default="", editable=False),
            preserve_default=False,
        ),
    ]
