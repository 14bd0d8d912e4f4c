"""Circle meetings: a meeting is a rule (one-off, weekly or fortnightly) whose occurrences
are rows, each movable and cancellable on its own; members answer each occurrence (RSVP),
and after it the facilitator records who came and short notes.

Times are stored as instants (UTC); a meeting also keeps the time zone its rule is read in,
so a weekly 18:00 stays 18:00 there across a clock change."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from circles.models import Circle
from circles.text import render_markdown
from members.models import TIME_ZONE_CHOICES

# The most occurrences one meeting's rule may make (a year of weekly meetings).
MAX_OCCURRENCES = 52


class Repeat(models.TextChoices):
    ONCE = "once", "Once"
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"


class Meeting(models.Model):
    """A meeting of a circle, as scheduled: its rule makes the occurrences."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=120)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES)
    # RFC 5545 recurrence rule (``FREQ=WEEKLY;INTERVAL=2;COUNT=6``), read from ``first_start``
    # on the clock of ``time_zone``; empty for a one-off meeting.
    rule = models.CharField(max_length=200, blank=True)
    first_start = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    place = models.CharField(max_length=200, blank=True)
    online_url = models.URLField("online link", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5), name="meeting_lasts_at_least_5_minutes"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.circle})"


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class OccurrenceQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=OccurrenceStatus.SCHEDULED)

    def upcoming(self, now=None):
        """Not over yet: ends after ``now``."""
        return self.filter(ends_at__gt=now or timezone.now())


class Occurrence(models.Model):
    """One meeting on one date. ``original_start`` is where the rule put it (the iCalendar
    RECURRENCE-ID); ``starts_at`` where it is now. Every change bumps ``sequence``."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="occurrences")
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="+")
    original_start = models.DateTimeField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=OccurrenceStatus.choices, default=OccurrenceStatus.SCHEDULED
    )
    sequence = models.PositiveIntegerField(default=0)
    notes = models.TextField(max_length=5000, blank=True)
    notes_html = models.TextField(blank=True, editable=False)
    attendance_taken_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["circle", "starts_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "original_start"], name="one_occurrence_per_rule_date"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="occurrence_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.meeting.title} on {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.notes_html = render_markdown(self.notes)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.circle.get_absolute_url()}meetings/{self.pk}/"

    @property
    def is_cancelled(self) -> bool:
        return self.status == OccurrenceStatus.CANCELLED

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at

    @property
    def hours(self) -> float:
        return round(self.duration.total_seconds() / 3600, 2)

    def has_started(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())


class RsvpAnswer(models.TextChoices):
    GOING = "going", "Going"
    NOT_GOING = "not_going", "Not going"


class Rsvp(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_rsvps"
    )
    answer = models.CharField(max_length=16, choices=RsvpAnswer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "RSVP"
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "member"], name="one_rsvp_per_member")
        ]

    def __str__(self):
        return f"{self.member_id}: {self.answer}"


class Attendance(models.Model):
    """She was at the meeting (recorded by a facilitator)."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_attendances"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "member"], name="one_attendance_per_member"
            )
        ]

    def __str__(self):
        return f"{self.member_id} at {self.occurrence_id}"


class AgendaSource(models.TextChoices):
    WAITING = "waiting", "Waiting for a response"
    COMMITMENT = "commitment", "Commitment falling due"
    ASK = "ask", "Open ask"
    OTHER = "other", "Added by the facilitator"


class AgendaItem(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    source = models.CharField(
        max_length=16, choices=AgendaSource.choices, default=AgendaSource.OTHER
    )
    log = models.ForeignKey(
        "circles.ActionLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


def calendar_secret_new() -> str:
    return secrets.token_urlsafe(18)


class MemberCalendar(models.Model):
    """The secret of a member's private calendar feed, stored when she first revokes its
    link (until then it is empty). Her link is signed and carries it: revoking the link
    draws a new secret, so every old link stops working."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_calendar"
    )
    secret = models.CharField(max_length=64, default=calendar_secret_new)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar of {self.member_id}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", "The day before"
    HOUR_BEFORE = "hour_before", "An hour before"


class ReminderStatus(models.TextChoices):
    SENDING = "sending", "Claimed, being sent"
    SENT = "sent", "Sent"


class MeetingReminder(models.Model):
    """At most one reminder of each kind per member and occurrence: claimed before the
    send, deleted when the send fails (so a later sweep tries again) and when the
    occurrence moves (so the new time is reminded of)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_reminders"
    )
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    status = models.CharField(
        max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.SENDING
    )
    claim_token = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "occurrence", "kind"], name="one_reminder_per_member_kind"
            )
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self):
        return f"{self.kind} reminder of {self.occurrence_id} to {self.member_id}"
