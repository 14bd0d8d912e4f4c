from django import forms

from circles.models import Circle, JoinPolicy, Membership, ReportReason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this?",
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label="Anything the facilitators should know",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the circle's facilitators see your report.",
    )


class ReasonForm(forms.Form):
    """A decision that must say why (hide, remove, archive)."""

    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="A few words. It is recorded in the circle's audit log.",
    )

    def __init__(
        self,
        *args,
        label: str | None = None,
        help_text: str | None = None,
        required_message: str = "Please give a reason.",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = required_message
        if label:
            self.fields["reason"].label = label
        if help_text:
            self.fields["reason"].help_text = help_text


class OptionalReasonForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False
        self.fields["reason"].label = "Reason"


class CircleSettingsForm(forms.ModelForm):
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Comma-separated topics, for example: handover, rostering.",
    )

    class Meta:
        model = Circle
        fields = [
            "name",
            "purpose",
            "roles",
            "join_policy",
            "entry_question",
            "capacity",
            "rhythm_weekday",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 6}),
            "roles": forms.CheckboxSelectMultiple,
            "join_policy": forms.RadioSelect,
        }
        labels = {"purpose": "Description and purpose"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(sorted(self.instance.tags.names()))
        self.fields["roles"].required = False

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags", "")
        tags = sorted({t.strip().lower() for t in raw.split(",") if t.strip()})
        if any(len(t) > 100 for t in tags):
            raise forms.ValidationError("Keep each tag under 100 characters.")
        return tags

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if capacity < 2:
            raise forms.ValidationError("A circle needs room for at least 2 people.")
        if self.instance.pk:
            active = Membership.objects.active().filter(circle=self.instance).count()
            if capacity < active:
                raise forms.ValidationError(
                    f"The circle has {active} active members: capacity cannot be lower."
                )
        return capacity

    def clean(self):
        data = super().clean()
        if (
            data.get("join_policy") == JoinPolicy.REQUEST
            and not data.get("entry_question", "").strip()
        ):
            self.add_error("entry_question", "Circles that take requests need an entry question.")
        return data

    def _post_clean(self):
        # The service applies the changes: do not let the ModelForm write to the instance.
        pass
