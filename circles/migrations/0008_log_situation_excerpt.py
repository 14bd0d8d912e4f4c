"""A log's card shows a plain-text excerpt of its situation, made once when the Markdown is
rendered (``ActionLog.save``) instead of stripping and cutting the HTML on every render.
Existing logs get theirs from their stored HTML here."""

from django.db import migrations, models

from circles.text import excerpt_text

EXCERPT_LENGTH = 180
BATCH = 500


def fill_excerpts(apps, schema_editor):
    ActionLog = apps.get_model("circles", "ActionLog")
    db = schema_editor.connection.alias
    rows = ActionLog.objects.using(db).only("pk", "situation_html").order_by("pk")
    batch = []
    for log in rows.iterator(chunk_size=BATCH):
        log.situation_excerpt = excerpt_text(log.situation_html, EXCERPT_LENGTH)
        batch.append(log)
        if len(batch) >= BATCH:
            ActionLog.objects.using(db).bulk_update(batch, ["situation_excerpt"])
            batch = []
    if batch:
        ActionLog.objects.using(db).bulk_update(batch, ["situation_excerpt"])


class Migration(migrations.Migration):
    dependencies = [
        ("circles", "0007_report_and_moderation_action_to_facilitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionlog",
            name="situation_excerpt",
            field=models.CharField(blank=True, editable=False, max_length=180),
        ),
        migrations.RunPython(fill_excerpts, migrations.RunPython.noop, elidable=True),
    ]
