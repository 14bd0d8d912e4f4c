"""Meetings on the nights the clocks change: a wall-clock time that does not exist (spring)
is refused with a message naming the change, one that happens twice (autumn) is the first
of the two, and a series that crosses a change keeps its times and its lengths."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Meeting, Occurrence
from tests.meetings.conftest import LONDON, schedule

pytestmark = pytest.mark.django_db

# Monday 1 March 2027: in London the clocks go forward at 01:00 on Sunday 28 March and
# back at 02:00 on Sunday 31 October.
MARCH = dt.datetime(2027, 3, 1, 12, 0, tzinfo=LONDON)


@pytest.fixture
def spring():
    with time_machine.travel(MARCH, tick=False):
        yield


def _post(client, circle, **overrides):
    data = {
        "title": "Night shift huddle",
        "start_date": "2027-03-28",
        "start_time": "01:30",
        "end_time": "02:30",
        "time_zone": "Europe/London",
        "repeat": "once",
        "count": "1",
        "place": "",
        "online_url": "",
        **overrides,
    }
    return client.post(reverse("meetings:schedule", args=[circle.slug]), data)


def test_a_time_the_spring_change_skips_is_refused_naming_the_change(
    client, spring, circle, facilitator
):
    client.force_login(facilitator)
    page = _post(client, circle)
    assert page.status_code == 200
    text = page.content.decode()
    assert "01:30 does not exist in Europe/London on Sunday 28 March 2027" in text
    assert "the clocks go forward" in text
    assert not Meeting.objects.exists()


def test_a_weekly_series_that_meets_in_the_skipped_hour_is_refused(
    client, spring, circle, facilitator
):
    client.force_login(facilitator)
    page = _post(client, circle, start_date="2027-03-14", repeat="weekly", count="4")
    assert page.status_code == 200
    assert "01:30 does not exist in Europe/London on Sunday 28 March 2027" in (
        page.content.decode()
    )
    assert not Occurrence.objects.exists()
    with pytest.raises(ValidationError):
        schedule(circle, facilitator, first_local=dt.datetime(2027, 3, 21, 1, 30), count=2)
    assert not Meeting.objects.exists()


def test_an_hour_long_meeting_each_week_across_the_spring_change_lasts_an_hour(
    client, spring, circle, facilitator
):
    client.force_login(facilitator)
    page = _post(
        client, circle, start_date="2027-03-21", start_time="00:30", end_time="01:30",
        repeat="weekly", count="2",
    )  # fmt: skip
    assert page.status_code == 302
    occurrences = Occurrence.objects.order_by("starts_at")
    assert [o.ends_at - o.starts_at for o in occurrences] == [dt.timedelta(hours=1)] * 2
    assert [o.starts_at.astimezone(LONDON).strftime("%d %H:%M") for o in occurrences] == [
        "21 00:30",
        "28 00:30",
    ]


def test_a_time_the_autumn_change_repeats_is_the_first_of_the_two(
    client, spring, circle, facilitator
):
    client.force_login(facilitator)
    page = _post(client, circle, start_date="2027-10-31", start_time="01:30", end_time="01:50")
    assert page.status_code == 302
    occurrence = Occurrence.objects.get()
    # 01:30 British Summer Time, before the clocks go back: 00:30 UTC.
    assert occurrence.starts_at == dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)
    assert occurrence.ends_at - occurrence.starts_at == dt.timedelta(minutes=20)
