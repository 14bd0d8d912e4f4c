"""`manage.py seed_commons_demo`: share two of the demo school's logs to the commons (run
after ``seed_demo``; running it again changes nothing)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from circles.models import ActionLog
from commons.models import Credit, Lesson, Region
from commons.services import lesson_initial

LESSONS = [
    # (log title, credit, region, tags, summary of the outcome)
    ("Ten-minute safety huddle at 07:30", Credit.ROLE_REGION, Region.NORTH_WEST,
     ["handover", "falls"], "Nine minutes by week two; no falls in the first hour for two weeks."),
    ("Missed bin collections: one number for residents", Credit.NAME, Region.LONDON,
     ["residents", "casework"], "Repeat calls down by a third after four weeks."),
]  # fmt: skip


class Command(BaseCommand):
    help = "Share two demo logs' lessons to the commons (after seed_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        shared = 0
        for title, credit, region, tags, outcome in LESSONS:
            log = ActionLog.objects.filter(title=title).select_related("author__profile").first()
            if log is None or Lesson.objects.filter(source_log=log).exists():
                continue
            lesson = Lesson(
                **{**lesson_initial(log=log), "outcome": outcome},
                author=log.author,
                source_log=log,
                circle=log.circle,
                credit=credit,
                region=region,
                role=log.author.profile.roles.order_by("name").first(),
            )
            lesson.save()
            lesson.tags.set(tags)
            shared += 1
        self.stdout.write(f"Commons: {shared} demo lesson(s) shared.")
