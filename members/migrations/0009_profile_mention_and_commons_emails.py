"""Two email preferences of their own: mentions (until now under "responses") and the
commons' questions and answers (until now with none). Both on by default; what a member
had chosen for mentions is carried over apart, in the next migration. Adding a column
with a default briefly locks the profiles' table, so on PostgreSQL the migration gives up
after 5 s rather than queue members' pages behind it."""

from django.db import migrations, models


def lock_timeout(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL lock_timeout = '5s';")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_profile_introduction_html_backfill"),
    ]

    operations = [
        migrations.RunPython(lock_timeout, lock_timeout),
        migrations.AddField(
            model_name="profile",
            name="mention_emails_enabled",
            field=models.BooleanField(
                default=True, verbose_name="email me when someone mentions me"
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="commons_emails_enabled",
            field=models.BooleanField(
                default=True, verbose_name="email me about questions on lessons in the commons"
            ),
        ),
    ]
