from django import forms

from members.models import TIME_ZONE_CHOICES, Profile, Role


class ProfileForm(forms.ModelForm):
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.order_by("sector", "name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick every role you hold. Circles are formed by role.",
        error_messages={"required": "Pick at least one role so we can show you circles for it."},
    )
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        help_text="Reminders and your weekly digest arrive in your local time.",
    )

    class Meta:
        model = Profile
        fields = ["display_name", "roles", "organisation", "sector", "time_zone", "bio"]
        labels = {"display_name": "Name shown to your circles"}
        help_texts = {
            "organisation": "For example: St Mary's Hospital, Leeds City Council.",
            "bio": "Optional. A sentence or two your peers will see.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["organisation"].required = True
        self.fields["sector"].required = True


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["digest_enabled", "nudges_enabled", "response_emails_enabled"]
        labels = {
            "digest_enabled": "Weekly digest of what happened in my circles",
            "nudges_enabled": "Nudges (a commitment falls due, a peer's log needs a response)",
            "response_emails_enabled": "An email when someone responds to my log",
        }
