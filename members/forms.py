from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from timezone_field import TimeZoneFormField

from members.models import INTRODUCTION_MAX, Profile, Role, Sector
from members.time_zones import time_zone_choices


class RoleFilterField(forms.ModelChoiceField):
    """A list's filter by one role, named in the query string by its slug; empty: any role."""

    def __init__(self):
        super().__init__(
            queryset=Role.objects.order_by("sector", "name"),
            label="Role",
            required=False,
            to_field_name="slug",
            empty_label="Any role",
        )


class ProfileForm(forms.ModelForm):
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.order_by("sector", "name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick every role you hold. Circles are formed by role.",
        error_messages={"required": "Pick at least one role so we can show you circles for it."},
    )
    time_zone = TimeZoneFormField(
        help_text="Dates show on this clock, and reminders arrive in its morning.",
        error_messages={
            "required": "Pick the place whose time you keep, for example London or New York.",
            "invalid_choice": "Pick the place whose time you keep, for example London or New York.",
        },
    )

    class Meta:
        model = Profile
        fields = [
            "display_name", "roles", "organisation", "sector", "time_zone", "bio",
            "introduction", "hide_organisation", "hide_active_status",
        ]  # fmt: skip
        labels = {"display_name": "Name shown to your circles"}
        help_texts = {
            "display_name": (
                "Your name as your colleagues know you, for example Nadia Ward. "
                "Your circles see it beside your logs and responses."
            ),
            "organisation": "For example: St Mary's Hospital, Leeds City Council.",
            "bio": "A sentence or two your peers will see.",
            "introduction": "Shown to the circles you join, on their people pages.",
        }
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "bio": forms.Textarea(attrs={"rows": 3}),
            "introduction": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "display_name": {"required": "Enter your name, so your circles know who is writing."}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_onboarded:
            zone = self.instance.time_zone
            self.fields["time_zone"].choices = time_zone_choices(own=zone, keep=zone)
        else:  # a newcomer starts from the school's zone
            self.fields["time_zone"].choices = time_zone_choices()
            self.initial["time_zone"] = settings.TIME_ZONE
        self.fields["display_name"].required = True
        self.fields["organisation"].required = True
        self.fields["sector"].required = True
        self.fields["sector"].choices = [("", "Choose your sector"), *Sector.choices]
        self.fields["sector"].error_messages["required"] = "Choose the sector you work in."

    def clean_display_name(self):
        name = self.cleaned_data["display_name"]
        if "@" in name:
            raise forms.ValidationError("Use your name, not your email address.")
        return name


class IntroductionForm(forms.Form):
    introduction = forms.CharField(
        label="Introduce yourself to the circle",
        max_length=INTRODUCTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "A few words: your work, what you hope to try here. Your circles see it on "
            f"their people pages. Up to {INTRODUCTION_MAX} characters."
        ),
        error_messages={
            "required": "Write a few words, or choose Skip.",
            "max_length": f"Please keep this to {INTRODUCTION_MAX} characters "
            "(it has %(show_value)d).",
        },
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "digest_enabled",
            "nudges_enabled",
            "response_emails_enabled",
            "mention_emails_enabled",
            "meeting_reminders_enabled",
            "commons_emails_enabled",
        ]
        labels = {
            "digest_enabled": "Weekly digest of what happened in my circles",
            "nudges_enabled": "Nudges (a commitment falls due, a peer's log needs a response)",
            "response_emails_enabled": (
                "An email when someone responds to my log or replies to my response, or a "
                "facilitator hides or restores something I wrote"
            ),
            "mention_emails_enabled": "An email when someone mentions me in a log or a response",
            "commons_emails_enabled": (
                "An email when someone asks about a lesson I shared in the commons, or its "
                "author answers my question"
            ),
            "meeting_reminders_enabled": (
                "Reminders of my circles' meetings, the day before and an hour before"
            ),
        }


# --- allauth's account forms, labelled in the site's voice (settings.ACCOUNT_FORMS) ----------


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, costing the same whether or not the address has an account.

    A new address costs a password hash (the account is saved) and one email; a registered
    one gets an email ("you already have an account") and, here, a hash made and thrown
    away, so the answer's timing does not tell which it was. Both emails go out from the
    worker (``members.adapters.AccountAdapter.send_mail``)."""

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remember"].label = "Keep me signed in on this device"


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, oldpassword="Current password", password1="New password")
        _relabel(self, password2="New password (again)")


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, password1="New password", password2="New password (again)")


class AddEmailForm(allauth_forms.AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, email="New email address")


def _relabel(form, **labels):
    """Set each field's label, and its placeholder where allauth repeats the label there."""
    for name, label in labels.items():
        field = form.fields[name]
        field.label = label
        if "placeholder" in field.widget.attrs:
            field.widget.attrs["placeholder"] = label
