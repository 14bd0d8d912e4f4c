import hashlib

from django import forms

from circles.forms import TagsField
from commons.models import Credit, Lesson, LessonQuestion, LessonReport, Region
from commons.services import LESSON_FIELDS
from members.forms import RoleFilterField
from members.models import Role
from school.limits import model_limit


def _text(name: str, label: str, help_text: str = "", rows: int = 4):
    return forms.CharField(
        label=label,
        max_length=model_limit(Lesson, name),
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if name != "title" else None,
        error_messages={"required": "Please fill this in."},
    )


def text_fingerprint(data: dict) -> str:
    """What the identifier check read, so a confirmation holds only for that text."""
    text = "\x1f".join(" ".join(str(data.get(name) or "").split()) for name in LESSON_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()


class LessonShareForm(forms.Form):
    title = _text("title", "Title", "One line someone in another role would recognise.")
    situation = _text("situation", "Situation", "The challenge, briefly.", rows=3)
    action = _text("action", "What you tried", rows=3)
    outcome = _text("outcome", "What happened", rows=3)
    insight = _text("insight", "What you learnt", "The lesson others can take away.")
    tags = TagsField(label="Tags", required=False)
    credit = forms.ChoiceField(
        label="How it is credited",
        choices=Credit.choices,
        initial=Credit.ROLE_REGION,
        widget=forms.RadioSelect,
        help_text="By your role and region, nobody in the commons learns who you are or "
        "which circle the lesson came from.",
    )
    role = forms.ModelChoiceField(label="Your role", queryset=Role.objects.none())
    # No region is assumed: one she did not choose would credit her to the wrong place.
    region = forms.ChoiceField(
        label="Your region",
        choices=[("", "Choose your region"), *Region.choices],
        error_messages={"required": "Choose the region you work in."},
    )
    confirm = forms.BooleanField(
        label="I have checked what was found above: it identifies nobody.", required=False
    )
    checked = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, author, **kwargs):
        super().__init__(*args, **kwargs)
        roles = Role.objects.filter(profiles__user=author).order_by("name")
        self.fields["role"].queryset = roles
        # Credited as "a practitioner" when her profile names no role.
        self.fields["role"].required = roles.exists()
        self.fields["role"].empty_label = None if self.fields["role"].required else "No role"
        # The region she chose when she last shared a lesson, if she has.
        last = Lesson.objects.filter(author=author).order_by("-pk").values("region").first()
        if last is not None:
            self.fields["region"].initial = last["region"]

    def mark_findings(self, findings) -> None:
        """Mark each field the identifier check found something in (``findings``: (field
        name, finding) pairs) as invalid, described by what was found, as an error is."""
        found: dict[str, list[str]] = {}
        for name, finding in findings:
            found.setdefault(name, []).append(f"{finding.label} “{finding.text}”")
        for name, items in found.items():
            bound, field = self[name], self.fields[name]
            field.finding = f"Could identify someone: {'; '.join(items)}."
            ids = [f"{bound.auto_id}_helptext"] if field.help_text else []
            if bound.errors:
                ids.append(f"{bound.auto_id}_error")
            ids.append(f"{bound.auto_id}_finding")
            field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": " ".join(ids)})

    def confirmed_for_this_text(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("confirm")) and data.get("checked") == text_fingerprint(data)


class QuestionForm(forms.Form):
    body = forms.CharField(
        label="Your question",
        max_length=model_limit(LessonQuestion, "body"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The author reads it; she answers here, under the lesson.",
        error_messages={"required": "Please write your question."},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        max_length=model_limit(LessonQuestion, "answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Please write your answer."},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=model_limit(LessonReport, "reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BrowseForm(forms.Form):
    role = RoleFilterField()
    tag = forms.CharField(label="Tag", required=False, max_length=50)
