"""Scheduling meetings: a rule whose occurrences keep their local time across a clock
change; bad input refused with a clear message and nothing written; moving and cancelling
one occurrence; RSVP, agenda and attendance."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from circles.permissions import circle_access
from circles.services.memberships import membership_leave
from meetings import services
from meetings.models import Meeting, Occurrence, OccurrenceStatus, Rsvp
from meetings.selectors import agenda_draft
from tests.factories import ActionLogFactory, MembershipFactory, ResponseFactory
from tests.meetings.conftest import LONDON, schedule

pytestmark = pytest.mark.django_db


def test_a_weekly_meeting_at_six_stays_at_six_in_london_across_the_end_of_summer_time(
    frozen, circle, facilitator
):
    meeting = schedule(circle, facilitator, count=3)
    starts = list(meeting.occurrences.values_list("starts_at", flat=True))
    assert [s.astimezone(LONDON).strftime("%d %H:%M") for s in starts] == [
        "20 18:00",
        "27 18:00",
        "03 18:00",
    ]
    # 17:00 UTC in summer time, 18:00 UTC after the clocks go back on 25 October.
    assert [s.astimezone(dt.UTC).hour for s in starts] == [17, 18, 18]
    assert meeting.rule == "FREQ=WEEKLY;INTERVAL=1;COUNT=3"


def test_a_fortnightly_series_skips_a_week(frozen, circle, facilitator):
    meeting = schedule(circle, facilitator, repeat="fortnightly", count=2)
    days = [
        s.astimezone(LONDON).day for s in meeting.occurrences.values_list("starts_at", flat=True)
    ]
    assert days == [20, 3]


def _post_schedule(client, circle, **overrides):
    data = {
        "title": "Circle meeting",
        "start_date": "2026-10-20",
        "start_time": "18:00",
        "end_time": "19:00",
        "time_zone": "Europe/London",
        "repeat": "weekly",
        "count": "6",
        "place": "Seminar room 2",
        "online_url": "",
        **overrides,
    }
    return client.post(reverse("meetings:schedule", args=[circle.slug]), data)


def test_the_schedule_form_makes_the_series(client, frozen, circle, facilitator):
    client.force_login(facilitator)
    response = _post_schedule(client, circle)
    occurrence = Occurrence.objects.order_by("starts_at").first()
    assert response.status_code == 302 and response.url == occurrence.get_absolute_url()
    assert Occurrence.objects.count() == 6


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_date": "2026-10-01"}, "That time has passed"),
        ({"end_time": "17:30"}, "The meeting ends before it starts"),
        ({"count": "10000"}, "at most 52 meetings"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    client, frozen, circle, facilitator, overrides, message
):
    client.force_login(facilitator)
    response = _post_schedule(client, circle, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists() and not Occurrence.objects.exists()


def test_the_service_refuses_ten_thousand_occurrences_too(frozen, circle, facilitator):
    with pytest.raises(ValidationError, match="you asked for 10,000"):
        schedule(circle, facilitator, count=10_000)
    assert not Meeting.objects.exists()


def test_only_facilitators_schedule(frozen, circle, member):
    with pytest.raises(PermissionDenied):
        schedule(circle, member)
    assert not Meeting.objects.exists()


def test_moving_one_occurrence_bumps_its_sequence_and_leaves_the_rest(frozen, circle, facilitator):
    meeting = schedule(circle, facilitator, count=3)
    first, second, _ = meeting.occurrences.order_by("starts_at")
    new_start = dt.datetime(2026, 10, 28, 17, 0, tzinfo=LONDON)
    services.occurrence_move(
        access=circle_access(facilitator, circle),
        occurrence=second,
        starts_at=new_start,
        ends_at=new_start + dt.timedelta(hours=1),
    )
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.starts_at == new_start and second.sequence == 1
    assert first.sequence == 0
    assert second.original_start.astimezone(LONDON).day == 27


def test_moving_into_the_past_is_refused(frozen, circle, facilitator):
    occurrence = schedule(circle, facilitator).occurrences.first()
    past = dt.datetime(2026, 10, 1, 18, 0, tzinfo=LONDON)
    with pytest.raises(ValidationError, match="That time has passed"):
        services.occurrence_move(
            access=circle_access(facilitator, circle),
            occurrence=occurrence,
            starts_at=past,
            ends_at=past + dt.timedelta(hours=1),
        )
    occurrence.refresh_from_db()
    assert occurrence.sequence == 0


def test_cancelling_one_occurrence(client, frozen, circle, facilitator):
    occurrence = schedule(circle, facilitator).occurrences.first()
    client.force_login(facilitator)
    client.post(reverse("meetings:cancel", args=[circle.slug, occurrence.pk]))
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.CANCELLED and occurrence.sequence == 1
    assert Occurrence.objects.filter(status=OccurrenceStatus.SCHEDULED).count() == 3


def test_members_answer_and_change_their_answer(client, frozen, circle, facilitator, member):
    occurrence = schedule(circle, facilitator).occurrences.first()
    client.force_login(member)
    url = reverse("meetings:rsvp", args=[circle.slug, occurrence.pk])
    client.post(url, {"answer": "going"})
    client.post(url, {"answer": "not_going"})
    assert list(Rsvp.objects.values_list("member_id", "answer")) == [(member.pk, "not_going")]


def test_the_draft_agenda_draws_on_the_circle(frozen, circle, facilitator, member):
    waiting = ActionLogFactory(circle=circle, author=member, title="Rota gaps", ask="")
    answered = ActionLogFactory(circle=circle, author=member, title="Answered one", ask="")
    ResponseFactory(log=answered, author=facilitator)
    due = ActionLogFactory(
        circle=circle,
        author=member,
        next_step="Ask the matron",
        next_step_due=dt.date(2026, 10, 19),
    )
    ResponseFactory(log=due, author=facilitator)
    asking = ActionLogFactory(circle=circle, author=member, ask="Any rota templates?")
    ResponseFactory(log=asking, author=facilitator)
    occurrence = schedule(circle, facilitator).occurrences.first()
    draft = {(s.source, s.log.pk) for s in agenda_draft(occurrence=occurrence)}
    assert ("waiting", waiting.pk) in draft
    assert ("commitment", due.pk) in draft
    assert ("ask", asking.pk) in draft
    assert not any(pk == answered.pk for _, pk in draft)


def test_the_facilitator_adds_and_reorders_agenda_items(client, frozen, circle, facilitator):
    occurrence = schedule(circle, facilitator).occurrences.first()
    client.force_login(facilitator)
    add = reverse("meetings:agenda_add", args=[circle.slug, occurrence.pk])
    client.post(add, {"text": "Welcome"})
    client.post(add, {"text": "Rota templates"})
    second = occurrence.agenda.get(text="Rota templates")
    client.post(
        reverse("meetings:agenda_item", args=[circle.slug, occurrence.pk, second.pk]),
        {"action": "up"},
    )
    assert list(occurrence.agenda.order_by("position").values_list("text", flat=True)) == [
        "Rota templates",
        "Welcome",
    ]
    page = client.get(occurrence.get_absolute_url()).content.decode()
    assert page.index("Rota templates") < page.index("Welcome")


def test_attendance_is_taken_once_the_meeting_has_started(
    client, frozen, circle, facilitator, member
):
    occurrence = schedule(circle, facilitator).occurrences.first()
    access = circle_access(facilitator, circle)
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.attendance_record(
            access=access, occurrence=occurrence, member_ids=[member.pk], notes=""
        )
    frozen.move_to(occurrence.starts_at + dt.timedelta(minutes=70))
    outsider = MembershipFactory().member
    services.attendance_record(
        access=access, occurrence=occurrence, member_ids=[outsider.pk], notes=""
    )
    assert not occurrence.attendances.exists()  # only the circle's members can be recorded
    client.force_login(facilitator)
    client.post(
        reverse("meetings:attendance", args=[circle.slug, occurrence.pk]),
        {"present": [str(member.pk)], "notes": "We chose **rota** templates."},
    )
    assert list(occurrence.attendances.values_list("member_id", flat=True)) == [member.pk]
    client.force_login(member)
    page = client.get(occurrence.get_absolute_url()).content.decode()
    assert "<strong>rota</strong>" in page and member.display_name in page


def test_recording_attendance_again_keeps_the_attendance_of_a_member_who_has_left(
    client, frozen, circle, facilitator, member
):
    stayer = MembershipFactory(circle=circle).member
    occurrence = schedule(circle, facilitator).occurrences.first()
    frozen.move_to(occurrence.starts_at + dt.timedelta(minutes=70))
    access = circle_access(facilitator, circle)
    services.attendance_record(
        access=access, occurrence=occurrence, member_ids=[member.pk, stayer.pk], notes=""
    )
    membership_leave(user=member, circle=circle)
    client.force_login(facilitator)
    client.post(
        reverse("meetings:attendance", args=[circle.slug, occurrence.pk]),
        {"present": [], "notes": "Fixed a typo."},
    )
    # Her attendance is her learning record; only the members on the form have changed.
    assert list(occurrence.attendances.values_list("member_id", flat=True)) == [member.pk]


def test_a_one_off_meeting_ignores_the_count(client, frozen, circle, facilitator):
    client.force_login(facilitator)
    _post_schedule(client, circle, repeat="once", count="10000")
    assert Occurrence.objects.count() == 1
    assert Meeting.objects.get().rule == ""


def test_the_form_starts_on_the_clock_the_circle_meets_by(client, frozen, circle, facilitator):
    client.force_login(facilitator)
    url = reverse("meetings:schedule", args=[circle.slug])
    assert client.get(url).context["form"].initial["time_zone"] == "Europe/London"
    schedule(circle, facilitator, time_zone="Asia/Kolkata", count=1)
    assert client.get(url).context["form"].initial["time_zone"] == "Asia/Kolkata"


def test_an_agenda_item_naming_a_log_that_is_not_a_number_is_404(
    client, frozen, circle, facilitator
):
    occurrence = schedule(circle, facilitator).occurrences.first()
    client.force_login(facilitator)
    add = reverse("meetings:agenda_add", args=[circle.slug, occurrence.pk])
    assert client.post(add, {"text": "Look at this", "log": "abc"}).status_code == 404
    assert not occurrence.agenda.filter(text="Look at this").exists()


def _once(html: str, action: str) -> str:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    return re.search(r'name="once" value="([^"]+)"', form.group(0)).group(1)


def test_scheduling_again_with_the_same_form_makes_no_second_meeting(
    client, frozen, circle, facilitator
):
    client.force_login(facilitator)
    url = reverse("meetings:schedule", args=[circle.slug])
    html = client.get(url).content.decode()
    token = re.search(r'name="once" value="([^"]+)"', html).group(1)
    first = _post_schedule(client, circle, once=token)
    again = _post_schedule(client, circle, once=token)
    assert Meeting.objects.count() == 1 and Occurrence.objects.count() == 6
    assert again.status_code == 302 and again["Location"] == first["Location"]


def test_an_agenda_item_added_twice_by_the_same_form_is_added_once(
    client, frozen, circle, facilitator
):
    meeting = schedule(circle, facilitator, count=1)
    occurrence = meeting.occurrences.get()
    client.force_login(facilitator)
    add = reverse("meetings:agenda_add", args=[circle.slug, occurrence.pk])
    token = _once(client.get(occurrence.get_absolute_url()).content.decode(), add)
    for _ in range(2):
        client.post(add, {"text": "Night staffing", "source": "other", "once": token})
    assert occurrence.agenda.filter(text="Night staffing").count() == 1
