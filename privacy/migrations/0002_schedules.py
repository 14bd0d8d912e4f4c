"""Beat schedules for privacy: the nightly purge (expired export files and the retention
schedules) and the sweep that finds exports and erasures a lost message left behind."""

from django.conf import settings
from django.db import migrations

SCHEDULES = [
    (
        "Purge expired data (retention)",
        "privacy.purge_expired",
        ("30", "3", "*"),
        "Expired export files; delivery records, read notifications, expired invites and "
        "exports past their retention (settings RETENTION_*, PRIVACY_EXPORT_DAYS).",
    ),
    (
        "Privacy sweep",
        "privacy.sweep",
        ("*/10", "*", "*"),
        "Exports and account erasures whose task was lost or whose worker was killed.",
    ),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, day_of_week), description in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "description": description},
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
