"""Reports and the audit log of facilitators' decisions. The tables keep the names they had
when these models lived in ``circles`` (``circles_report``, ``circles_moderationaction``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from circles.models import DECISION_REASON_MAX, ActionLog, Circle, Response


class ReportReason(models.TextChoices):
    DISRESPECTFUL = "disrespectful", "Disrespectful or unkind"
    CONFIDENTIAL = "confidential", "Shares confidential or identifying information"
    OFF_TOPIC = "off_topic", "Off-topic or spam"
    UNSAFE = "unsafe", "Unsafe advice"
    OTHER = "other", "Something else"


class ReportState(models.TextChoices):
    OPEN = "open", "Open"
    ACTIONED = "actioned", "Actioned (content hidden)"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    """A member's report of a log or a response in their circle. One per reporter and
    target: reporting twice is harmless."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    log = models.ForeignKey(
        ActionLog, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=32, choices=ReportReason.choices)
    details = models.TextField(max_length=1000, blank=True)
    state = models.CharField(max_length=16, choices=ReportState.choices, default=ReportState.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(log__isnull=False, response__isnull=True)
                | Q(log__isnull=True, response__isnull=False),
                name="report_targets_log_xor_response",
            ),
            models.UniqueConstraint(
                fields=["reporter", "log"],
                condition=Q(log__isnull=False),
                name="one_report_per_reporter_and_log",
            ),
            models.UniqueConstraint(
                fields=["reporter", "response"],
                condition=Q(response__isnull=False),
                name="one_report_per_reporter_and_response",
            ),
        ]
        indexes = [models.Index(fields=["circle", "state"])]
        db_table = "circles_report"

    def __str__(self):
        return f"Report on {self.log or self.response} ({self.state})"


class ModerationVerb(models.TextChoices):
    HIDE = "hide", "Hid"
    RESTORE = "restore", "Restored"
    DISMISS = "dismiss", "Dismissed a report on"
    PIN = "pin", "Pinned"
    UNPIN = "unpin", "Unpinned"
    LOCK = "lock", "Locked"
    UNLOCK = "unlock", "Unlocked"
    ADMIT = "admit", "Admitted"
    DECLINE = "decline", "Declined"
    REMOVE = "remove", "Removed from the circle"
    INVITE_CREATE = "invite_create", "Created an invite link"
    INVITE_REVOKE = "invite_revoke", "Revoked an invite link"
    PROMOTE = "promote", "Made co-facilitator"
    DEMOTE = "demote", "Stepped down as facilitator"
    EDIT_CIRCLE = "edit_circle", "Edited the circle"
    ARCHIVE = "archive", "Archived the circle"


class ModerationAction(models.Model):
    """A facilitator's recorded decision: who, what, target, why, when. Append-only."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="moderation_actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=32, choices=ModerationVerb.choices)
    reason = models.CharField(max_length=DECISION_REASON_MAX, blank=True)
    target_log = models.ForeignKey(
        ActionLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_label = models.CharField(
        max_length=200, blank=True, help_text="What the target was, kept if it is deleted."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        db_table = "circles_moderationaction"

    def __str__(self):
        return f"{self.actor} {self.get_verb_display().lower()} {self.target_label}"
