import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from record.models import CodeTheme, CpdEntry, RecordSettings, ReflectiveAccount

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The widest date range the record page shows at once.
RANGE_YEARS_MAX = 10


# Dates the record can compute with (a year 2 or 9999 overflows the sums of years).
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2200, 12, 31)


def date_sensible(value):
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(f"Choose a date between {EARLIEST.year} and {LATEST.year}.")
    return value


class RangeForm(forms.Form):
    """The record page's date range (GET)."""

    start = forms.DateField(label="From", widget=DATE, validators=[date_sensible])
    end = forms.DateField(label="To", widget=DATE, validators=[date_sensible])

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError("The range ends before it starts: choose a later “To”.")
            if end - start > dt.timedelta(days=366 * RANGE_YEARS_MAX):
                raise ValidationError(f"Choose a range of at most {RANGE_YEARS_MAX} years.")
        return data


class AccountForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label="The Code's themes it relates to",
        choices=CodeTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ReflectiveAccount
        fields = [
            "title",
            "event_date",
            "nature",
            "learning",
            "changed",
            "themes",
            "code_relevance",
        ]
        widgets = {
            "event_date": DATE,
            "nature": forms.Textarea(attrs={"rows": 8}),
            "learning": forms.Textarea(attrs={"rows": 8}),
            "changed": forms.Textarea(attrs={"rows": 8}),
            "code_relevance": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"code_relevance": "How it relates to those themes"}
        help_texts = {
            name: "**Bold**, and a line starting with “- ” for a list, print and export "
            "as formatted text."
            for name in ("nature", "learning", "changed")
        }

    def clean_event_date(self):
        return date_sensible(self.cleaned_data.get("event_date"))


class CpdEntryForm(forms.ModelForm):
    log = forms.ChoiceField(label="Link to one of my logs", required=False)

    class Meta:
        model = CpdEntry
        fields = ["activity", "date", "hours", "participatory", "log"]
        widgets = {"date": DATE}

    def __init__(self, *args, logs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["log"].choices = [("", "None")] + [(str(log.pk), log.title) for log in logs]
        self.logs = {str(log.pk): log for log in logs}

    def clean_log(self):
        return self.logs.get(self.cleaned_data.get("log") or "")

    def clean_date(self):
        return date_sensible(self.cleaned_data.get("date"))


class TargetForm(forms.ModelForm):
    class Meta:
        model = RecordSettings
        fields = ["hours_target", "participatory_target", "revalidation_due"]
        widgets = {"revalidation_due": DATE}

    def clean_revalidation_due(self):
        return date_sensible(self.cleaned_data.get("revalidation_due"))

    def clean(self):
        data = super().clean()
        total, participatory = data.get("hours_target"), data.get("participatory_target")
        if total is not None and participatory is not None and participatory > total:
            raise ValidationError("The participatory hours are part of the total: make them fewer.")
        return data


class RevalidationForm(forms.ModelForm):
    """The date her next NMC revalidation is due, asked once on the record page."""

    class Meta:
        model = RecordSettings
        fields = ["revalidation_due"]
        widgets = {"revalidation_due": DATE}
        labels = {"revalidation_due": "My next revalidation is due on"}
        help_texts = {
            "revalidation_due": "The NMC shows it on your online account. Your record "
            "counts the three years up to it."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revalidation_due"].required = True
        self.fields["revalidation_due"].error_messages["required"] = (
            "Enter the date your next revalidation is due, for example 31/03/2027."
        )

    def clean_revalidation_due(self):
        return date_sensible(self.cleaned_data.get("revalidation_due"))
