"""The shared form templates: one "(optional)" marker, drawn by ``_field.html`` for every field
that may be left empty; every form validated on the server and reported in the site's error
summary, never by the browser's own bubbles."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from circles.forms import ActionLogForm, DeclineForm, RequestToJoinForm, ResponseForm
from facilitation.forms import CircleSettingsForm, OptionalReasonForm, ReasonForm, ReportForm
from meetings.forms import AgendaItemForm, AttendanceForm, MoveForm, ScheduleForm
from members.forms import ProfileForm
from record.forms import AccountForm, TargetForm

FORMS = [
    ActionLogForm,
    DeclineForm,
    RequestToJoinForm,
    ResponseForm,
    CircleSettingsForm,
    OptionalReasonForm,
    ReasonForm,
    ReportForm,
    ProfileForm,
    ScheduleForm,
    MoveForm,
    AttendanceForm,
    AgendaItemForm,
    AccountForm,
    TargetForm,
]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__name__)
def test_optional_fields_say_so_once_and_required_fields_not_at_all(form_class):
    form = form_class()
    for field in form.visible_fields():
        shown = _text(render_to_string("_field.html", {"field": field})).lower()
        optional = not field.field.required and not getattr(field.field, "needed_to_publish", False)
        # A checkbox is a choice in itself: never marked "(optional)".
        optional = optional and field.widget_type != "checkbox"
        expected = 1 if optional else 0
        assert shown.count("optional") == expected, f"{form_class.__name__}.{field.name}: {shown}"


# Something a person types into or chooses (a hidden input or a lone button is not).
EDITABLE = re.compile(
    r'<(?:textarea|select)\b|<input\b(?![^>]*type="(?:hidden|submit)")'
    r"|_field\.html|\{\{\s*(?:form|field)\b|\{%\s*element fields"
)


def _forms_with_fields() -> list[tuple[str, str]]:
    forms = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for tag, body in re.findall(r"(<form\b[^>]*>)(.*?)</form>", path.read_text(), re.S):
            if EDITABLE.search(body):
                forms.append((str(path.relative_to(settings.BASE_DIR)), tag))
    return forms


def test_every_form_leaves_validation_to_the_server():
    """The browser's own bubbles (``required``, type and length checks) never stand in for
    the site's error summary: every form with a field says ``novalidate``."""
    forms = _forms_with_fields()
    assert len(forms) >= 8
    missing = [(path, tag) for path, tag in forms if "novalidate" not in tag]
    assert not missing, missing


def test_no_template_asks_the_browser_to_check_a_field():
    found = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", path.read_text(), re.S):
            if re.search(r"\srequired\b", tag):
                found.append((path.name, tag))
    assert not found, found
