import datetime as dt

from django import forms

from members.models import User
from notifications.selectors import week_start


class WeekField(forms.DateField):
    """Any day of the week (or ISO ``2026-W48``); cleaned to that week's Monday."""

    def to_python(self, value):
        if isinstance(value, str) and "-W" in value.upper():
            try:
                year, week = value.upper().split("-W")
                return dt.date.fromisocalendar(int(year), int(week), 1)
            except ValueError:
                raise forms.ValidationError(
                    "Enter a date (2026-11-23) or an ISO week (2026-W48)."
                ) from None
        day = super().to_python(value)
        return week_start(day) if day else day


class DigestRunStartForm(forms.Form):
    week = WeekField(
        help_text="Any day of the week; the digest covers the seven days before its Monday.",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class DigestPreviewForm(forms.Form):
    member = forms.EmailField(label="Member's email address")
    week = WeekField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def clean_member(self):
        email = self.cleaned_data["member"].lower()
        user = User.objects.select_related("profile").filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError("No member has that email address.")
        return user
