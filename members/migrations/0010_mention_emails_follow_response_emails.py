"""A member who had turned off "an email when someone responds to my log or mentions me"
keeps mention emails off: the new preference starts as she had left the old one. Apart
from the schema change that added the column, in batches of 500, each its own
transaction, so a kill resumes where it stopped."""

from django.db import migrations, transaction

BATCH = 500


def carry_over(apps, schema_editor):
    Profile = apps.get_model("members", "Profile")
    db = schema_editor.connection.alias
    off = Profile.objects.using(db).filter(
        response_emails_enabled=False, mention_emails_enabled=True
    )
    while True:
        with transaction.atomic(using=db):
            pks = list(off.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not pks:
                return
            Profile.objects.using(db).filter(pk__in=pks).update(mention_emails_enabled=False)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("members", "0009_profile_mention_and_commons_emails"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop, elidable=True),
    ]
