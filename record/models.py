"""A member's learning record: her reflective accounts for NMC revalidation, the CPD she
adds herself (meetings she attended count on their own), and the targets she measures it
by. Everything here is hers alone (staff see it only through the admin)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from record.text import account_html

# The NMC's requirement for every three-year revalidation.
ACCOUNTS_NEEDED = 5
PERIOD_YEARS = 3
NURSE_HOURS = Decimal("35")
NURSE_PARTICIPATORY_HOURS = Decimal("20")

# The four prompts of the NMC's reflective accounts form, in its order.
NMC_PROMPTS = {
    "nature": (
        "What was the nature of the CPD activity and/or practice-related feedback and/or "
        "event or experience in your practice?"
    ),
    "learning": (
        "What did you learn from the CPD activity and/or feedback and/or event or experience "
        "in your practice?"
    ),
    "changed": "How did you change or improve your practice as a result?",
    "code": "How is this relevant to the Code? Select one or more themes:",
}


# The account's answers, written in Markdown.
ACCOUNT_MARKDOWN_FIELDS = ("nature", "learning", "changed", "code_relevance")


class CodeTheme(models.TextChoices):
    PRIORITISE_PEOPLE = "prioritise_people", "Prioritise people"
    PRACTISE_EFFECTIVELY = "practise_effectively", "Practise effectively"
    PRESERVE_SAFETY = "preserve_safety", "Preserve safety"
    PROMOTE_PROFESSIONALISM = "promote_professionalism", "Promote professionalism and trust"


def _hours_target(label: str, default: Decimal) -> models.DecimalField:
    """A target of CPD hours: 0 to 1000, to a tenth of an hour."""
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=1,
        default=default,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )


class RecordSettings(models.Model):
    """Her CPD target (35 hours, 20 participatory, by default: a nurse's) and, when she
    gives it, the date her next revalidation is due (the end of her three-year period)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="record_settings"
    )
    hours_target = _hours_target("CPD hours in three years", NURSE_HOURS)
    participatory_target = _hours_target("of which participatory", NURSE_PARTICIPATORY_HOURS)
    revalidation_due = models.DateField("next revalidation due", null=True, blank=True)

    class Meta:
        verbose_name_plural = "record settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(participatory_target__lte=models.F("hours_target")),
                name="participatory_within_cpd_target",
            )
        ]

    def __str__(self):
        return f"Record settings of {self.member_id}"


class ReflectiveAccount(models.Model):
    """One reflective account on the NMC form's four prompts, drawn from a log or a chain
    of logs and edited by her."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflective_accounts"
    )
    log = models.ForeignKey(
        "circles.ActionLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=140)
    event_date = models.DateField("date of the event or experience")
    nature = models.TextField(NMC_PROMPTS["nature"], max_length=6000)
    learning = models.TextField(NMC_PROMPTS["learning"], max_length=6000)
    changed = models.TextField(NMC_PROMPTS["changed"], max_length=6000)
    code_relevance = models.TextField("How it relates to the Code", max_length=6000, blank=True)
    themes = models.JSONField(default=list, blank=True)
    # Her text as safe HTML (``record.text.account_html``), made on every save.
    nature_html = models.TextField(blank=True, default="", editable=False)
    learning_html = models.TextField(blank=True, default="", editable=False)
    changed_html = models.TextField(blank=True, default="", editable=False)
    code_relevance_html = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-event_date", "-pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        for name in ACCOUNT_MARKDOWN_FIELDS:
            setattr(self, f"{name}_html", account_html(getattr(self, name)))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(ACCOUNT_MARKDOWN_FIELDS):
            kwargs["update_fields"] = {
                *update_fields,
                *(f"{n}_html" for n in update_fields if n in ACCOUNT_MARKDOWN_FIELDS),
            }
        super().save(*args, **kwargs)

    @property
    def theme_labels(self) -> list[str]:
        return [label for value, label in CodeTheme.choices if value in self.themes]

    def theme_marks(self) -> list[tuple[str, bool]]:
        return [(label, value in self.themes) for value, label in CodeTheme.choices]


class CpdEntry(models.Model):
    """CPD she records herself (meetings she attended count without an entry)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_entries"
    )
    activity = models.CharField(max_length=200)
    date = models.DateField()
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(100)],
    )
    participatory = models.BooleanField(
        default=False, help_text="With other people: a course, a meeting, a workshop."
    )
    log = models.ForeignKey(
        "circles.ActionLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "CPD entry"
        verbose_name_plural = "CPD entries"
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="cpd_entry_has_hours")]

    def __str__(self):
        return f"{self.activity} ({self.hours} h)"
