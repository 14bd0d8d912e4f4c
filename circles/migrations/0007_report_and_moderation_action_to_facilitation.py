"""Report and ModerationAction move to facilitation (its 0001 takes them over). The tables
and their rows stay; circles only forgets the models, and their content types (with the
permissions and admin history that point at them) move to facilitation."""

from django.db import migrations

MOVED = ("report", "moderationaction")


def content_types_to(app_label_from: str, app_label_to: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        taken = set(
            ContentType.objects.using(db)
            .filter(app_label=app_label_to, model__in=MOVED)
            .values_list("model", flat=True)
        )
        ContentType.objects.using(db).filter(
            app_label=app_label_from, model__in=set(MOVED) - taken
        ).update(app_label=app_label_to)

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("circles", "0006_log_circle_shown_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("facilitation", "0001_report_and_moderation_action_from_circles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Report"),
                migrations.DeleteModel(name="ModerationAction"),
            ],
        ),
        migrations.RunPython(
            content_types_to("circles", "facilitation"),
            content_types_to("facilitation", "circles"),
        ),
    ]
