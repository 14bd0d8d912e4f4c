from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date

from circles.models import DECISION_REASON_MAX, Response
from circles.services.memberships import ENTRY_ANSWER_MAX, INVITE_DAYS_MAX, INVITE_USES_MAX
from circles.tags import tags_as_text, tags_from_text
from members.forms import RoleFilterField
from school.limits import model_limit
from school.text import FORMATTING_HELP

# --- memberships and directory --------------------------------------------------------------


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

    @classmethod
    def for_membership(cls, circle, membership, *, data=None) -> "RequestToJoinForm":
        """The circle's question, and the answer given before (a declined or withdrawn
        request) to start from."""
        answer = membership.entry_answer if membership else ""
        return cls(data, question=circle.entry_question, initial={"answer": answer})


class DirectoryFilterForm(forms.Form):
    """Filters for the circle directory. Invalid values are ignored, not fatal."""

    q = forms.CharField(label="Search by name", required=False, max_length=100, strip=True)
    role = RoleFilterField()
    tag = forms.ChoiceField(label="Tag", required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag")] + [(t.slug, t.name) for t in tags]


class PeopleFilterForm(forms.Form):
    """The people page's name filter: a GET form that works as it is and, with HTMX, shows
    the matching members (``results``: the list's CSS selector) as she types."""

    q = forms.CharField(
        label="Find a member by name",
        required=False,
        strip=True,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, url: str, results: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "hx-get": url,
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": results,
                "hx-push-url": "true",
            }
        )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=DECISION_REASON_MAX,
        error_messages={"max_length": "Please keep the reason to %(limit_value)d characters."},
    )


class InviteCreateForm(forms.Form):
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=INVITE_DAYS_MAX,
        initial=14,
        help_text=f"Between 1 and {INVITE_DAYS_MAX} days.",
    )
    max_uses = forms.IntegerField(
        label="How many people can join with it",
        required=False,
        min_value=1,
        max_value=INVITE_USES_MAX,
        initial=1,
        help_text=(
            "1 makes a single-use link, for one person. Leave it empty to let anyone "
            "with the link join until it expires."
        ),
        error_messages={
            key: f"Enter a number of people from 1 to {INVITE_USES_MAX}, or leave it empty."
            for key in ("min_value", "max_value", "invalid")
        },
    )


# --- action logs and responses --------------------------------------------------------------


class TagsField(forms.CharField):
    """Tags typed as text; cleans to the list of tags to store (``circles.tags``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault(
            "help_text", "Separate tags with commas, for example: handover, safe staffing."
        )
        super().__init__(**kwargs)
        self.error_messages["max_length"] = "Please keep the tags to %(limit_value)d characters."

    def to_python(self, value):
        return super().to_python(value) or ""

    def clean(self, value):
        text = super().clean(value)
        try:
            return tags_from_text(text)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def prepare_value(self, value):
        if isinstance(value, str) or value is None:
            return value
        return tags_as_text(value)


def _limited(model_field_name: str, **kwargs):
    """A text field whose length limit comes from the model, with a clear message."""
    from circles.models import ActionLog

    limit = model_limit(ActionLog, model_field_name)
    textarea = model_field_name != "title"
    return forms.CharField(
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": 4}) if textarea else forms.TextInput(),
        error_messages={
            "required": "Please fill this in.",
            "max_length": "Please keep this to %(limit_value)d characters (it has %(show_value)d).",
        },
        **kwargs,
    )


class ActionLogForm(forms.Form):
    """One turn of the action-learning cycle, with PRODUCT.md's prompts. The circle and the
    author come from the URL and the signed-in user, never from the form.

    A draft needs only its title. With ``publishing=True`` the form also checks what
    publishing needs (``log_publish_problems``), so one error summary names every problem.
    ``STEPS`` groups the fields by the cycle's steps for the template."""

    STEPS = (
        ("What is happening and what I will try", ("title", "situation", "action")),
        ("What I expect", ("prediction",)),
        ("What happened", ("outcome",)),
        ("What I learnt", ("insight",)),
        ("Next step and ask", ("next_step", "next_step_due", "ask")),
        ("Tags and earlier log", ("tags", "follows")),
    )

    title = _limited("title", label="Title", help_text="One line a peer would recognise.")
    situation = _limited(
        "situation",
        label="Situation",
        required=False,
        help_text="What is the challenge, and why does it matter now?",
    )
    action = _limited(
        "action",
        label="Action",
        required=False,
        help_text="What did I try (or what will I try)?",
    )
    prediction = _limited(
        "prediction",
        label="Prediction",
        required=False,
        help_text="What did I expect to happen?",
    )
    outcome = _limited(
        "outcome", label="Outcome", required=False, help_text="What actually happened?"
    )
    insight = _limited(
        "insight",
        label="Insight",
        required=False,
        help_text="What did I learn — about the work, the people, myself?",
    )
    next_step = _limited(
        "next_step",
        label="Next step",
        required=False,
        help_text="What will I do next, and by when? This is your commitment.",
    )
    next_step_due = forms.DateField(
        label="Next step due by",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="We will nudge you when it falls due.",
        error_messages={"invalid": "Please enter a date like 2026-12-31."},
    )
    ask = _limited(
        "ask",
        label="Ask",
        required=False,
        help_text="What would I like from the circle?",
    )
    tags = TagsField(label="Tags", required=False)
    follows = forms.ModelChoiceField(
        label="This follows up",
        required=False,
        queryset=None,
        empty_label="Nothing — this is a new cycle",
        help_text="One of your earlier logs whose next step this log reports on.",
        error_messages={"invalid_choice": "Please choose one of your own published logs."},
    )

    def __init__(
        self,
        *args,
        author=None,
        exclude_pk=None,
        preview_url=None,
        publishing=False,
        kept_due=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        from circles.models import ActionLog
        from circles.services.logs import NEEDED_TO_PUBLISH

        self.author = author
        self.publishing = publishing
        self.kept_due = kept_due
        for name in NEEDED_TO_PUBLISH:
            self.fields[name].needed_to_publish = True

        if preview_url:
            # HTMX: choosing the earlier log refreshes its prediction and next step beside
            # the form (without HTMX the page shows them after saving or with ?follows=).
            self.fields["follows"].widget.attrs.update(
                {
                    "hx-get": preview_url,
                    "hx-trigger": "change",
                    "hx-target": ".log-form-aside",
                    "hx-select": ".log-form-aside",
                    "hx-swap": "outerHTML",
                }
            )

        earlier = ActionLog.objects.none()
        if author is not None and author.is_authenticated:
            earlier = (
                ActionLog.objects.visible_to(author)
                .published()
                .filter(author=author)
                .select_related("circle")
                .order_by("-published_at", "-pk")
            )
            if exclude_pk is not None:
                earlier = earlier.exclude(pk=exclude_pk)
        self.fields["follows"].queryset = earlier
        self.fields["follows"].label_from_instance = lambda log: (
            f"{log.title} ({log.circle.name}, {timezone.localtime(log.published_at):%d %b %Y})"
        )

    def clean(self):
        data = super().clean()
        if self.publishing and self.author is not None:
            from circles.services.logs import log_publish_problems
            from members.local_time import member_today

            problems = log_publish_problems(
                values=data, today=member_today(self.author), kept_due=self.kept_due
            )
            for name, problem in problems.items():
                if name not in self.errors:
                    self.add_error(name, problem)
        return data

    def steps(self):
        """(legend, bound fields) for each step of the cycle, in order."""
        return [(legend, [self[name] for name in names]) for legend, names in self.STEPS]

    @property
    def log_data(self) -> dict:
        from circles.services.logs import LOG_FIELDS

        return {name: self.cleaned_data[name] for name in LOG_FIELDS}

    @staticmethod
    def values_of(log) -> dict:
        """A saved log as the form's values (for editing it, or showing why it cannot
        publish)."""
        from circles.services.logs import LOG_FIELDS

        values = {name: getattr(log, name) for name in LOG_FIELDS}
        values["tags"] = tags_as_text(log.tags.all())
        values["follows"] = log.follows_id
        return values


# The log page's headings, in the order the log page shows them.
PREVIEW_SECTIONS = (
    ("situation", "Situation"),
    ("action", "Action"),
    ("prediction", "Prediction"),
    ("outcome", "Outcome"),
    ("insight", "Insight"),
    ("next_step", "Next step"),
    ("ask", "Ask of the circle"),
)


def preview_of(data) -> dict:
    """Unsaved text as the circle would see it: each field rendered through the same
    sanitiser as a saved log (cut to the field's limit), and nothing stored."""
    from circles.models import ActionLog
    from circles.text import render_markdown

    sections = []
    for name, heading in PREVIEW_SECTIONS:
        limit = model_limit(ActionLog, name)
        html = render_markdown(str(data.get(name) or "")[:limit])
        if html:
            sections.append({"name": name, "heading": heading, "html": html})
    try:
        due = parse_date(str(data.get("next_step_due") or ""))
    except ValueError:
        due = None
    title = str(data.get("title") or "")[: model_limit(ActionLog, "title")]
    return {"title": title, "sections": sections, "due": due}


def _response_body_field(noun: str, *, rows: int) -> forms.CharField:
    """The body of a response or a reply (``noun``): Markdown, within the model's limit."""
    limit = model_limit(Response, "body")
    return forms.CharField(
        label=f"Your {noun}",
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=f"{FORMATTING_HELP} Up to {limit:,} characters.",
        error_messages={
            "required": f"Please write your {noun}.",
            "max_length": f"Please keep your {noun} to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of response",
        widget=forms.RadioSelect,
        initial="question",
        help_text="Questions first: a good question often helps more than advice.",
        error_messages={"required": "Please choose what kind of response this is."},
    )
    body = _response_body_field("response", rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from circles.models import ResponseKind

        self.fields["kind"].choices = ResponseKind.choices  # question first


class ReplyForm(forms.Form):
    """A reply to one response. Pass ``auto_id=f"reply-{response.pk}-%s"``: the log page
    holds one reply form per response."""

    body = _response_body_field("reply", rows=3)
