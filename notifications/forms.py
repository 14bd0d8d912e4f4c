import datetime as dt

from django import forms

from members.models import User
from notifications.selectors import digest_week_bounds, digest_week_problem


class WeekField(forms.DateField):
    """A Monday (2026-11-23) or an ISO week (2026-W48), from the school's first week to a
    year ahead; anything else is refused with a sentence saying what to enter."""

    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "step": 7})

    def to_python(self, value):
        if isinstance(value, str) and "-W" in value.upper():
            try:
                year, week = value.upper().split("-W")
                return dt.date.fromisocalendar(int(year), int(week), 1)
            except ValueError:
                raise forms.ValidationError(
                    "Enter a Monday (2026-11-23) or an ISO week (2026-W48)."
                ) from None
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value and (problem := digest_week_problem(value)):
            raise forms.ValidationError(problem)


class WeekFormMixin:
    """Date pickers offer only the Mondays in range (the bounds move with today)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, last = digest_week_bounds()
        self.fields["week"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())


class DigestRunStartForm(WeekFormMixin, forms.Form):
    week = WeekField(
        help_text="A Monday; the digest covers the seven days before it.",
    )


class DigestPreviewForm(WeekFormMixin, forms.Form):
    member = forms.EmailField(label="Member's email address")
    week = WeekField()

    def clean_member(self):
        email = self.cleaned_data["member"].lower()
        user = User.objects.select_related("profile").filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError("No member has that email address.")
        return user
