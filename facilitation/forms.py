import copy

from django import forms
from django.core.exceptions import ValidationError

from circles.forms import TagsField, model_limit
from circles.models import Circle, ModerationAction, Report, ReportReason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this?",
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label="Anything the facilitators should know",
        required=False,
        max_length=model_limit(Report, "details"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the circle's facilitators see your report.",
    )


class ReasonForm(forms.Form):
    """A decision that must say why (hide, remove, archive)."""

    reason = forms.CharField(
        label="Reason",
        max_length=model_limit(ModerationAction, "reason"),
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
    tags = TagsField(label="Tags", required=False)

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
            self.initial["tags"] = self.instance.tags.all()
        self.fields["roles"].required = False

    def clean(self):
        """The circle's own joining rules (``Circle.clean``), on the values entered."""
        data = super().clean()
        candidate = copy.copy(self.instance)
        for name in ("join_policy", "entry_question", "capacity"):
            if name in data:
                setattr(candidate, name, data[name])
        try:
            candidate.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name not in self.errors:
                    self.add_error(name, messages)
        return data

    def _post_clean(self):
        # The service applies the changes: do not let the ModelForm write to the instance.
        pass
