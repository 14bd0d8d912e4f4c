"""Exports of a member's data and the record of erasures.

An erasure keeps what it needs to finish (her id and the words to scrub) only while it
runs; once done the row says that an erasure happened, when, in which mode and how many
rows each table lost, and nothing about who she was. While it runs, it also records how
far it has gone (``step``, ``batches``, ``progressed_at``): it works in short
transactions, each committing its rows and its progress together, so a re-run continues
where a killed one stopped."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportState(models.TextChoices):
    QUEUED = "queued", "Queued"
    READY = "ready", "Ready to download"
    EXPIRED = "expired", "Expired (file deleted)"


class DataExport(models.Model):
    """One copy of everything a member wrote and everything about her, as a zip."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who asked: the member, or a member of staff through the admin.",
    )
    state = models.CharField(max_length=16, choices=ExportState.choices, default=ExportState.QUEUED)
    file_name = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Claimed before the "your export is ready" email is sent; cleared if the send fails.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self):
        return f"Export {self.pk} ({self.get_state_display()})"

    @property
    def path(self):
        return settings.PRIVACY_EXPORT_DIR / self.file_name if self.file_name else None


class ErasureMode(models.TextChoices):
    REMOVE = "remove", "Remove everything she wrote"
    ANONYMISE = "anonymise", "Keep her contributions, anonymised as “Former member”"


class ErasureState(models.TextChoices):
    PENDING = "pending", "Under way"
    DONE = "done", "Done"


class Erasure(models.Model):
    """An account erasure: the audit entry, and the work order while it runs."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Only while the erasure runs; empty once it is done.",
    )
    mode = models.CharField(max_length=16, choices=ErasureMode.choices)
    by_staff = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member of staff who ran it (empty when the member asked herself).",
    )
    state = models.CharField(
        max_length=16, choices=ErasureState.choices, default=ErasureState.PENDING
    )
    # Her email and name, to find and remove mentions of her: emptied when the erasure ends.
    scrub = models.JSONField(default=list, blank=True, editable=False)
    counts = models.JSONField(default=dict, blank=True, help_text="Rows removed or kept, by table.")
    step = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text="The step under way (a table's link to her, or a table being scrubbed of "
        "her name); empty before the first batch and once done.",
    )
    batches = models.PositiveIntegerField(default=0, help_text="Transactions committed so far.")
    progressed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last batch committed."
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Erasure {self.pk} ({self.get_mode_display()}, {self.get_state_display()})"
