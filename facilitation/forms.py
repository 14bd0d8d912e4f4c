import copy

from django import forms

from circles.forms import TagsField
from circles.models import Circle
from facilitation.models import ModerationAction, Report, ReportReason
from school.limits import model_limit
from school.text import FORMATTING_HELP


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


class HideForm(ReasonForm):
    """Hiding a log or a response: its author sees the reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *args,
            label="Reason for hiding",
            help_text="The author sees this reason. The text is kept, not deleted.",
            required_message="Please say why you are hiding it: its author sees the reason.",
            **kwargs,
        )

    def error_list(self) -> list[str]:
        """Every error, field by field, for the queue's summary on the item."""
        return [error for field_errors in self.errors.values() for error in field_errors]


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
        help_texts = {"purpose": f"Who it is for and why. {FORMATTING_HELP}"}

    def __init__(self, *args, instance=None, **kwargs):
        # The form checks a copy (ModelForm validation runs the circle's own joining rules,
        # ``Circle.clean``, on the values entered): ``circle_update`` applies the changes,
        # and until it has, the circle the page shows keeps its saved values.
        super().__init__(*args, instance=copy.copy(instance), **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = self.instance.tags.all()
        self.fields["roles"].required = False


# The health overview's columns: (sort key, heading), in the order the table shows them.
OVERVIEW_COLUMNS = [
    ("name", "Circle"),
    ("members", "Active members"),
    ("logs", "Logs, last 12 weeks"),
    ("rate", "Response rate"),
    ("wait", "Median time to first response"),
    ("silent", "Silent members"),
    ("unanswered", "Unanswered logs"),
]


class OverviewSortForm(forms.Form):
    """The overview's ``?sort=&dir=``: an unknown column sorts by name, ascending unless
    ``dir=desc``."""

    sort = forms.ChoiceField(required=False, choices=[(k, k) for k, _ in OVERVIEW_COLUMNS])
    dir = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])

    def sort_order(self) -> tuple[str, bool]:
        """(column, descending)."""
        self.is_valid()  # keeps what is valid of the two
        return self.cleaned_data.get("sort") or "name", self.cleaned_data.get("dir") == "desc"

    def columns(self) -> list[dict]:
        """Each heading, whether the table is sorted by it, and the direction a click on
        it sorts in: the current column flips; another starts descending (names ascending)."""
        sort, descending = self.sort_order()
        return [
            {
                "key": key,
                "label": label,
                "current": key == sort,
                "descending": descending,
                "next_dir": _next_dir(key, sort=sort, descending=descending),
            }
            for key, label in OVERVIEW_COLUMNS
        ]


def _next_dir(key: str, *, sort: str, descending: bool) -> str:
    if key == sort:
        return "asc" if descending else "desc"
    return "asc" if key == "name" else "desc"
