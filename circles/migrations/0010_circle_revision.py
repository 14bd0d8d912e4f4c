"""A circle's revision, kept by database triggers (circles/revisions.py) on the circle and
on what its pages show: memberships, logs, responses, roles, tags, members' profiles."""

from django.db import migrations, models

from circles import revisions


def install(apps, schema_editor):
    revisions.install(schema_editor.connection, itself=True)


def uninstall(apps, schema_editor):
    revisions.uninstall(schema_editor.connection, itself=True)


class Migration(migrations.Migration):
    dependencies = [
        ("circles", "0009_mentioned_ids"),
        ("members", "0004_profile_introduction_and_privacy"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="circle",
            name="revision",
            field=models.BigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.RunPython(install, uninstall),
    ]
