"""The default beat schedules (django-celery-beat's database scheduler, so admins can see
and change them): the weekly digest, Monday 07:00 in the school's time zone; the nudge
sweep, hourly; and the sweep that finds work a lost broker message left behind."""

from django.conf import settings
from django.db import migrations

SCHEDULES = [
    # name, task, crontab (minute, hour, day_of_week), description
    (
        "Weekly digest",
        "notifications.digest_weekly",
        ("0", "7", "1"),
        "One digest per member for the week, every Monday at 07:00.",
    ),
    (
        "Nudges (hourly sweep)",
        "notifications.nudges_sweep",
        ("5", "*", "*"),
        "Commitments due, unanswered logs, quiet members, facilitators' waiting work.",
    ),
    (
        "Find unsent work (sweep)",
        "notifications.sweep",
        ("*/5", "*", "*"),
        "Response emails and digest batches a lost broker message left behind.",
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
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
