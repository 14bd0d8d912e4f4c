"""Every meeting page and action, and the learning record, for each kind of visitor of
the access matrix (``tests/circles/test_circle_access_matrix.py``): anonymous, signed-in
non-member, pending member, member, facilitator of another circle, facilitator and staff.
Allowed where they should be; refused with no change where they should not."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Attendance, Meeting, Occurrence, Rsvp
from record.models import CpdEntry, ReflectiveAccount
from tests.circles.test_circle_access_matrix import VISITORS, as_visitor, world_for
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def meetings_state():
    return (
        sorted(Meeting.objects.values_list("pk", "title")),
        sorted(Occurrence.objects.values_list("pk", "starts_at", "status", "sequence", "notes")),
        sorted(Rsvp.objects.values_list("pk", "member_id", "answer")),
        sorted(Attendance.objects.values_list("pk", "member_id")),
        sorted(AgendaItem.objects.values_list("pk", "position", "text")),
    )


@pytest.fixture
def w(frozen):
    w = world_for("open")
    w.occurrence = schedule(w.circle, w.facilitator, count=2).occurrences.order_by("starts_at")[0]
    return w


def expected(who, outcome_for_facilitators, *, member=403):
    return {
        "anonymous": "login",
        "non_member": 404,
        "pending": 404,
        "other_facilitator": 404,
        "member": member,
        "facilitator": outcome_for_facilitators,
        "staff": outcome_for_facilitators,
    }[who]


def check(response, outcome):
    if outcome == "login":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif outcome == "redirect":
        assert response.status_code == 302 and "/accounts/login/" not in response.url
    else:
        assert response.status_code == outcome


@pytest.mark.parametrize("who", VISITORS)
@pytest.mark.parametrize("name", ["list", "detail", "ics"])
def test_meeting_pages_are_for_the_circles_members(client, w, who, name):
    as_visitor(client, w, who)
    args = ["ward"] if name == "list" else ["ward", w.occurrence.pk]
    check(client.get(reverse(f"meetings:{name}", args=args)), expected(who, 200, member=200))


@pytest.mark.parametrize("who", VISITORS)
def test_scheduling_is_for_facilitators(client, w, who):
    as_visitor(client, w, who)
    url = reverse("meetings:schedule", args=["ward"])
    check(client.get(url), expected(who, 200))
    before = meetings_state()
    data = {
        "title": "Extra meeting",
        "start_date": "2026-11-03",
        "start_time": "09:00",
        "end_time": "10:00",
        "time_zone": "Europe/London",
        "repeat": "once",
        "count": "1",
    }
    response = client.post(url, data)
    check(response, expected(who, "redirect"))
    assert (meetings_state() == before) == (who not in ("facilitator", "staff"))


FACILITATOR_ACTIONS = {
    "move": {"start_date": "2026-10-21", "start_time": "18:00", "end_time": "19:00"},
    "cancel": {},
    "agenda_add": {"text": "Welcome"},
}


@pytest.mark.parametrize("who", VISITORS)
@pytest.mark.parametrize("name", sorted(FACILITATOR_ACTIONS))
def test_facilitator_actions(client, w, who, name):
    as_visitor(client, w, who)
    before = meetings_state()
    url = reverse(f"meetings:{name}", args=["ward", w.occurrence.pk])
    check(client.post(url, FACILITATOR_ACTIONS[name]), expected(who, "redirect"))
    assert (meetings_state() == before) == (who not in ("facilitator", "staff"))


@pytest.mark.parametrize("who", VISITORS)
def test_attendance_is_taken_by_facilitators(client, w, who, frozen):
    frozen.move_to(w.occurrence.starts_at + dt.timedelta(minutes=5))
    as_visitor(client, w, who)
    before = meetings_state()
    url = reverse("meetings:attendance", args=["ward", w.occurrence.pk])
    response = client.post(url, {"present": [str(w.member.pk)], "notes": "Good meeting."})
    check(response, expected(who, "redirect"))
    assert (meetings_state() == before) == (who not in ("facilitator", "staff"))


@pytest.mark.parametrize("who", VISITORS)
def test_rsvp_is_for_the_circles_members(client, w, who):
    as_visitor(client, w, who)
    before = meetings_state()
    url = reverse("meetings:rsvp", args=["ward", w.occurrence.pk])
    response = client.post(url, {"answer": "going"})
    # Staff read every circle but are not among its members: nothing to answer.
    check(response, expected(who, "redirect", member="redirect") if who != "staff" else 403)
    assert (meetings_state() == before) == (who not in ("member", "facilitator"))


@pytest.mark.parametrize("who", VISITORS)
def test_the_record_is_hers_alone(client, w, who):
    owner = w.member
    account = ReflectiveAccount.objects.create(
        member=owner,
        title="Handover huddles",
        event_date=dt.date(2026, 10, 1),
        nature="n",
        learning="l",
        changed="c",
    )
    entry = CpdEntry.objects.create(
        member=owner, activity="Course", date=dt.date(2026, 6, 1), hours=2
    )
    user = as_visitor(client, w, who)
    page = client.get(reverse("record:page"))
    if user is None:
        check(page, "login")
    else:
        assert page.status_code == 200
        assert ("Handover huddles" in page.content.decode()) == (who == "member")
    outcome = 200 if who == "member" else ("login" if user is None else 404)
    for name in ("account_edit", "account_check", "account_print"):
        check(client.get(reverse(f"record:{name}", args=[account.pk])), outcome)
    if who != "member":
        check(client.post(reverse("record:cpd_delete", args=[entry.pk])), outcome)
        check(client.post(reverse("record:account_delete", args=[account.pk])), outcome)
        assert ReflectiveAccount.objects.exists() and CpdEntry.objects.exists()
