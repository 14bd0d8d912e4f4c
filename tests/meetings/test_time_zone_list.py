"""The meetings form offers the one time-zone list the profile uses: places grouped by
region with their friendly names, the school's zone first and the organiser's own next."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def _select(body: str) -> str:
    return re.search(r'<select name="time_zone".*?</select>', body, re.S).group(0)


def _options(select: str) -> list[tuple[str, str]]:
    return [
        (value, unescape(label))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    ]


def _in_zone(user, zone):
    user.profile.time_zone = zone
    user.profile.save()
    return user


def test_the_meetings_form_lists_places_by_region_the_schools_and_her_own_first(
    client, settings, circle, facilitator
):
    settings.TIME_ZONE = "Europe/London"
    client.force_login(_in_zone(facilitator, "America/New_York"))
    select = _select(client.get(reverse("meetings:schedule", args=[circle.slug])).content.decode())
    options = _options(select)
    values = [value for value, _ in options]
    assert values[:2] == ["Europe/London", "America/New_York"]
    assert "school" in options[0][1] and options[1][1] == "New York (your time zone)"
    assert values.count("America/New_York") == 1
    assert '<optgroup label="Africa">' in select and '<optgroup label="Europe">' in select
    assert ("Africa/Asmara", "Asmara") in options
    for alias in ["Africa/Asmera", "US/Eastern", "Etc/GMT+5", "Factory"]:
        assert alias not in values, alias
    assert len(values) < 450
    assert re.search(r'<option value="America/New_York"[^>]*selected', select)


def test_a_meeting_is_scheduled_on_a_zone_from_the_list(client, frozen, circle, facilitator):
    client.force_login(facilitator)
    page = client.post(
        reverse("meetings:schedule", args=[circle.slug]),
        {
            "title": "Circle meeting", "start_date": "2026-10-20", "start_time": "18:00",
            "end_time": "19:00", "time_zone": "Asia/Kolkata", "repeat": "once", "count": "1",
        },
    )  # fmt: skip
    assert page.status_code == 302
    refused = client.post(
        reverse("meetings:schedule", args=[circle.slug]),
        {
            "title": "Circle meeting", "start_date": "2026-10-21", "start_time": "18:00",
            "end_time": "19:00", "time_zone": "Factory", "repeat": "once", "count": "1",
        },
    )  # fmt: skip
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_the_circles_own_clock_stays_offered_and_chosen(client, frozen, circle, facilitator):
    schedule(circle, facilitator, time_zone="Asia/Calcutta", count=1)
    client.force_login(facilitator)
    select = _select(client.get(reverse("meetings:schedule", args=[circle.slug])).content.decode())
    assert re.search(r'<option value="Asia/Calcutta"[^>]*selected', select)


def test_her_profile_offers_the_same_list_with_her_own_zone_next(client, settings, member):
    settings.TIME_ZONE = "Europe/London"
    client.force_login(_in_zone(member, "Asia/Kolkata"))
    select = _select(client.get(reverse("members:profile_edit")).content.decode())
    options = _options(select)
    assert [value for value, _ in options][:2] == ["Europe/London", "Asia/Kolkata"]
    assert options[1][1] == "Kolkata (your time zone)"
    assert '<optgroup label="Asia">' in select
