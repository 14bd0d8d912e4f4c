from django import forms

from members.models import Role

# --- memberships and directory (memberships engineer) ---------------------------------------

ENTRY_ANSWER_MAX = 2000


class RequestToJoinForm(forms.Form):
    """The answer to a circle's entry question (the question is the label)."""

    answer = forms.CharField(
        label="Your answer",
        max_length=ENTRY_ANSWER_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"The facilitators read this before admitting you. Up to {ENTRY_ANSWER_MAX} "
        "characters.",
        error_messages={
            "required": "Please answer the entry question.",
            "max_length": "Please keep your answer to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )

    def __init__(self, *args, question: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if question:
            self.fields["answer"].label = question


class DirectoryFilterForm(forms.Form):
    """Filters for the circle directory. Invalid values are ignored, not fatal."""

    q = forms.CharField(label="Search by name", required=False, max_length=100, strip=True)
    role = forms.ModelChoiceField(
        label="Role",
        queryset=Role.objects.order_by("sector", "name"),
        required=False,
        to_field_name="slug",
        empty_label="Any role",
    )
    tag = forms.ChoiceField(label="Tag", required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag")] + [(t.slug, t.name) for t in tags]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=500,
        error_messages={"max_length": "Please keep the reason to %(limit_value)d characters."},
    )


class InviteCreateForm(forms.Form):
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=60,
        initial=14,
        help_text="Between 1 and 60 days.",
    )


# --- action logs and responses (logs engineer) ----------------------------------------------
