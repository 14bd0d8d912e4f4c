"""Every form that writes a column refuses text longer than the column, with the form's own
message, because it reads the column's limit rather than keeping a copy of it."""

import pytest

from circles.forms import ActionLogForm, DeclineForm, ReplyForm, RequestToJoinForm, ResponseForm
from circles.models import ActionLog, Membership, Response
from facilitation.forms import ReasonForm, ReportForm
from facilitation.models import ModerationAction, Report
from meetings.forms import AgendaItemForm, AttendanceForm, ScheduleForm
from meetings.models import AgendaItem, Meeting, Occurrence
from record.forms import AccountForm, CpdEntryForm
from record.models import CpdEntry, ReflectiveAccount

CASES = [
    (RequestToJoinForm, "answer", Membership, "entry_answer"),
    (DeclineForm, "reason", ModerationAction, "reason"),
    (ResponseForm, "body", Response, "body"),
    (ReplyForm, "body", Response, "body"),
    (ReportForm, "details", Report, "details"),
    (ReasonForm, "reason", ModerationAction, "reason"),
    (ReasonForm, "reason", ActionLog, "hidden_reason"),
    (ActionLogForm, "title", ActionLog, "title"),
    (ActionLogForm, "situation", ActionLog, "situation"),
    (ActionLogForm, "ask", ActionLog, "ask"),
    (ScheduleForm, "title", Meeting, "title"),
    (ScheduleForm, "place", Meeting, "place"),
    (AttendanceForm, "notes", Occurrence, "notes"),
    (AgendaItemForm, "text", AgendaItem, "text"),
    (AccountForm, "title", ReflectiveAccount, "title"),
    (AccountForm, "learning", ReflectiveAccount, "learning"),
    (CpdEntryForm, "activity", CpdEntry, "activity"),
]


@pytest.mark.parametrize(("form_class", "name", "model", "column"), CASES)
def test_a_form_takes_exactly_what_the_column_holds(form_class, name, model, column):
    limit = model._meta.get_field(column).max_length
    field = form_class.base_fields[name]
    assert field.max_length == limit
    assert field.clean("x" * limit) == "x" * limit
    with pytest.raises(Exception) as refused:
        field.clean("x" * (limit + 1))
    assert str(limit) in " ".join(refused.value.messages)


def test_the_invite_form_takes_exactly_what_the_service_takes():
    from circles.forms import InviteCreateForm
    from circles.services.memberships import INVITE_DAYS_MAX, INVITE_USES_MAX

    top = {"days": INVITE_DAYS_MAX, "max_uses": INVITE_USES_MAX}
    assert InviteCreateForm(top).is_valid()
    for name in top:
        over = InviteCreateForm({**top, name: top[name] + 1})
        assert not over.is_valid() and str(top[name]) in over.errors[name][0]
