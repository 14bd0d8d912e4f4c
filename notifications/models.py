"""What was sent to whom, so that nothing is sent twice and nothing is lost.

Every email sent at most once has a row with a unique key, claimed (inserted with
``status=sending``) *before* the send and released (marked failed or deleted) when the
send fails. A re-run finds the rows and sends nothing twice; a periodic sweep finds work
that has no row yet (a lost broker message) and sends it late rather than never.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", "Claimed, being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (nothing to send)"
    FAILED = "failed", "Failed (will be retried)"


# A claim older than this whose task has gone (longer than the task time limit) is stale:
# its worker died before sending, or before marking it sent.
STALE_CLAIM = dt.timedelta(minutes=30)


def claims_stale(model: type[models.Model], *, now: dt.datetime) -> models.QuerySet:
    """The rows of a delivery ``model`` claimed for sending longer than ``STALE_CLAIM`` ago:
    a sweep releases them (deletes them, or marks them failed to be tried again)."""
    return model.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)


class DigestRunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    STOPPED = "stopped", "Stopped by an error"


class DigestRun(models.Model):
    """One run of the weekly digest for a week; its figures are counted from deliveries."""

    week = models.DateField(help_text="The Monday of the week the digest is for.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=16, choices=DigestRunState.choices, default=DigestRunState.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why the run stopped (a failure that retrying would repeat); empty otherwise.
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "digest run"

    def __str__(self):
        return f"Digest for the week of {self.week:%d %b %Y} ({self.get_state_display()})"

    @property
    def processed(self) -> int:
        return self.sent + self.skipped + self.failed

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == DigestRunState.FINISHED else 0
        return min(100, round(100 * self.processed / self.total))

    @property
    def is_finished(self) -> bool:
        """Nothing more will happen: finished, or stopped by an error."""
        return self.state in (DigestRunState.FINISHED, DigestRunState.STOPPED)


class DigestDelivery(models.Model):
    """At most one digest per member per week."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    week = models.DateField()
    run = models.ForeignKey(
        DigestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    # Who holds the claim: the Celery task id (the same when a lost task is redelivered).
    claim_token = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-week", "member_id"]
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["member", "week"], name="one_digest_per_member_week")
        ]
        indexes = [models.Index(fields=["week", "status"])]

    def __str__(self):
        return f"Digest {self.week} to {self.member_id} ({self.status})"


class NudgeKind(models.TextChoices):
    COMMITMENT_DUE = "commitment_due", "A commitment fell due"
    UNANSWERED_LOG = "unanswered_log", "A peer's log is waiting for a response"
    QUIET_MEMBER = "quiet_member", "Gone quiet in a circle"
    FACILITATOR_WAITING = "facilitator_waiting", "Reports or requests waiting for a facilitator"


class NudgeDelivery(models.Model):
    """At most one nudge per (member, kind, subject), and at most one per member per day."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudge_deliveries"
    )
    kind = models.CharField(max_length=32, choices=NudgeKind.choices)
    subject_key = models.CharField(max_length=100)
    # The day the nudge went out on, on the member's own clock (her profile's time zone).
    day = models.DateField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    circle = models.ForeignKey(
        "circles.Circle", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    log = models.ForeignKey(
        "circles.ActionLog", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["-claimed_at"]
        verbose_name_plural = "nudge deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "subject_key"], name="one_nudge_per_subject"
            ),
            models.UniqueConstraint(fields=["member", "day"], name="one_nudge_per_member_day"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.member_id} on {self.day}"


class ResponseNotification(models.Model):
    """ "Someone responded to your log": one row per response and recipient (the log's
    author; for a reply, also the author of the response it answers), so a burst of
    responses is sent as one email (rows claimed together) and none is sent twice."""

    response = models.ForeignKey(
        "circles.Response", on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="response_notifications"
    )
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    claim_token = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        indexes = [models.Index(fields=["recipient", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="sent_response_notification_has_sent_at",
            ),
            models.UniqueConstraint(
                fields=["response", "recipient"], name="one_notification_per_response_recipient"
            ),
        ]

    def __str__(self):
        return f"Response {self.response_id} to {self.recipient_id} ({self.status})"


class ModerationNotification(models.Model):
    """ "A facilitator hid (or restored) what you wrote": one row per decision, recorded in
    the decision's transaction (from ``circles.signals.content_moderated``) and claimed
    before the email to its author is sent, so none is sent twice and none is lost."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="+")
    log = models.ForeignKey(
        "circles.ActionLog", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    response = models.ForeignKey(
        "circles.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    hidden = models.BooleanField(help_text="Hidden; otherwise restored.")
    reason = models.CharField(max_length=500, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, blank=True, help_text="Empty: not sent yet."
    )
    claim_token = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["status", "decided_at"])]

    def __str__(self):
        what = "hid" if self.hidden else "restored"
        return f"{what} for {self.recipient_id} ({self.status or 'not sent'})"


class Verb(models.TextChoices):
    RESPONDED = "responded", "responded to your log"
    REPLIED = "replied", "replied to your response"
    MENTIONED = "mentioned", "mentioned you"
    JOIN_ADMITTED = "join_admitted", "admitted you to"
    JOIN_DECLINED = "join_declined", "declined your request to join"
    HIDDEN = "hidden", "hid what you wrote"
    RESTORED = "restored", "restored what you wrote"
    COMMITMENT_DUE = "commitment_due", "Your next step is due"
    JOIN_REQUESTED = "join_requested", "asked to join"
    REPORT_FILED = "report_filed", "reported something in"
    LESSON_QUESTION = "lesson_question", "asked a question about your lesson"
    LESSON_ANSWER = "lesson_answer", "The author answered your question"


# Notifications only a circle's facilitators (and staff) keep seeing.
MODERATOR_VERBS = (Verb.JOIN_REQUESTED, Verb.REPORT_FILED)
# Notifications about a lesson in the commons: no circle (the asker may not learn where an
# anonymous lesson came from); shown without link or content once it is withdrawn.
LESSON_VERBS = (Verb.LESSON_QUESTION, Verb.LESSON_ANSWER)


class Notification(models.Model):
    """Something that happened for one member, shown under the bell until she reads it.

    What it is about is an explicit log, response (with its log), circle or lesson in the
    commons, so that the page and the bell can keep to what she may still see with one
    query (``notifications.inbox.notifications_visible_to``)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox"
    )
    verb = models.CharField(max_length=32, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    circle = models.ForeignKey(
        "circles.Circle", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    log = models.ForeignKey(
        "circles.ActionLog", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    response = models.ForeignKey(
        "circles.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lesson = models.ForeignKey(
        "commons.Lesson", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # A mention is also emailed (per her preferences): claimed here before it is sent.
    email_status = models.CharField(
        max_length=16,
        choices=DeliveryStatus.choices,
        blank=True,
        help_text="Empty: none owed; failed: owed (not sent yet, or to try again).",
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
            models.Index(fields=["recipient", "log"], name="notification_log_idx"),
            models.Index(fields=["read_at", "created_at"], name="notification_purge_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(response__isnull=True) | Q(log__isnull=False),
                name="notification_response_has_its_log",
            ),
            models.CheckConstraint(
                condition=Q(circle__isnull=False) | Q(lesson__isnull=False),
                name="notification_about_a_circle_or_a_lesson",
            ),
        ]

    def __str__(self):
        return f"{self.get_verb_display()} for {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_withdrawn_lesson(self) -> bool:
        """About a lesson withdrawn from the commons since: shown without link or content.
        Needs ``lesson`` loaded."""
        return self.lesson_id is not None and not self.lesson.is_listed
