"""The bench school's meetings and the member's learning record, added after the main
seed (and kept while they are there): a year of weekly meetings in every circle she is in,
half of them past and attended, her CPD entries and reflective accounts. Measured: her
record page and her calendar feed."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

WEEKS = 52
ENTRIES = 40
ACCOUNTS = 12


@transaction.atomic
def ensure(meta: dict) -> dict:
    """Seed once; return the paths the bench loads (the feed's signed link)."""
    from circles.models import Membership
    from meetings.calendar import feed_token_make
    from meetings.models import Attendance, Meeting, Occurrence
    from members.models import User
    from record.models import CpdEntry, ReflectiveAccount

    member = User.objects.get(pk=meta["member"])
    if not Meeting.objects.filter(title="Bench meeting").exists():
        start = (timezone.now() - dt.timedelta(weeks=WEEKS // 2)).replace(
            minute=0, second=0, microsecond=0
        )
        circles = [m.circle for m in Membership.objects.active().filter(member=member)]
        for circle in circles:
            meeting = Meeting.objects.create(
                circle=circle,
                title="Bench meeting",
                time_zone="Europe/London",
                rule=f"FREQ=WEEKLY;COUNT={WEEKS}",
                first_start=start,
                duration_minutes=60,
            )
            occurrences = Occurrence.objects.bulk_create(
                Occurrence(
                    meeting=meeting,
                    circle=circle,
                    original_start=start + dt.timedelta(weeks=i),
                    starts_at=start + dt.timedelta(weeks=i),
                    ends_at=start + dt.timedelta(weeks=i, hours=1),
                )
                for i in range(WEEKS)
            )
            Attendance.objects.bulk_create(
                Attendance(occurrence=o, member=member)
                for o in occurrences
                if o.starts_at < timezone.now()
            )
        today = timezone.localdate()
        CpdEntry.objects.bulk_create(
            CpdEntry(member=member, activity=f"Course {i}", date=today - dt.timedelta(days=20 * i),
                     hours=2, participatory=i % 2 == 0)
            for i in range(ENTRIES)
        )  # fmt: skip
        ReflectiveAccount.objects.bulk_create(
            ReflectiveAccount(member=member, title=f"Account {i}",
                              event_date=today - dt.timedelta(days=60 * i),
                              nature="n", learning="l", changed="c", themes=["preserve_safety"])
            for i in range(ACCOUNTS)
        )  # fmt: skip
    token = feed_token_make(member)
    return {"feed_path": f"/meetings/calendar/{token}.ics"}
