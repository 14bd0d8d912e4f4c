"""Calendars, parsed back with icalendar: UIDs stable across edits, SEQUENCE bumped on a
change, cancellations as STATUS:CANCELLED, times right in London across the end of
British Summer Time and for a member in another zone; the feed's link signed and
revocable, and a tampered link refused with nothing written."""

import datetime as dt
import json
import re
import zoneinfo

import pytest
from django.core import signing
from django.urls import reverse
from icalendar import Calendar

from circles.permissions import circle_access
from meetings import services
from meetings.calendar import feed_token_make
from meetings.models import MemberCalendar
from tests.factories import CircleFactory, MembershipFactory
from tests.meetings.conftest import LONDON, schedule

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def feed_url(member) -> str:
    return reverse("meetings:feed", kwargs={"token": feed_token_make(member)})


def parsed(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_keeps_six_pm_london_across_the_clock_change(
    client, frozen, circle, facilitator, member
):
    schedule(circle, facilitator, count=3)
    calendar = parsed(client.get(feed_url(member)))
    starts = sorted(e.decoded("dtstart") for e in calendar.walk("VEVENT"))
    assert [s.astimezone(LONDON).strftime("%d %H:%M") for s in starts] == [
        "20 18:00",
        "27 18:00",
        "03 18:00",
    ]
    assert [str(s.tzinfo) for s in starts] == ["Europe/London"] * 3
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    # The VTIMEZONE carries both offsets, so a client without the zone database agrees.
    parts = calendar.walk("DAYLIGHT") + calendar.walk("STANDARD")
    assert {part["tzoffsetto"].to_ical() for part in parts} == {"+0100", "+0000"}
    text = calendar.to_ical().decode()
    assert "DTSTART;TZID=Europe/London:20261027T180000" in text


def test_a_member_in_new_york_sees_the_same_moments(client, frozen, circle, facilitator):
    schedule(circle, facilitator, count=3)
    member = MembershipFactory(circle=circle).member
    member.profile.time_zone = "America/New_York"
    member.profile.save()
    calendar = parsed(client.get(feed_url(member)))
    starts = sorted(e.decoded("dtstart") for e in calendar.walk("VEVENT"))
    # New York's clocks go back a week after London's: 13:00, then 14:00 for one week,
    # then 13:00 again.
    assert [s.astimezone(NEW_YORK).strftime("%d %H:%M") for s in starts] == [
        "20 13:00",
        "27 14:00",
        "03 13:00",
    ]


def test_uid_stays_sequence_rises_and_cancellations_stay_in_the_feed(
    client, frozen, circle, facilitator, member
):
    meeting = schedule(circle, facilitator, count=3)
    first, second, third = meeting.occurrences.order_by("starts_at")
    url = feed_url(member)
    before = events(parsed(client.get(url)))
    access = circle_access(facilitator, circle)
    moved = dt.datetime(2026, 10, 28, 18, 30, tzinfo=LONDON)
    services.occurrence_move(
        access=access, occurrence=second, starts_at=moved, ends_at=moved + dt.timedelta(hours=1)
    )
    services.occurrence_cancel(access=access, occurrence=third)
    after = events(parsed(client.get(url)))
    assert set(after) == set(before) and len(after) == 3
    by_start = {e.decoded("dtstart"): e for e in after.values()}
    assert int(by_start[first.starts_at]["sequence"]) == 0
    assert int(by_start[moved]["sequence"]) == 1
    cancelled = [e for e in after.values() if str(e["status"]) == "CANCELLED"]
    assert len(cancelled) == 1 and int(cancelled[0]["sequence"]) == 1
    assert cancelled[0]["uid"] == before[str(cancelled[0]["uid"])]["uid"]


def test_the_feed_holds_only_her_circles(client, frozen, circle, facilitator, member):
    schedule(circle, facilitator, count=2)
    other = CircleFactory(slug="elsewhere")
    schedule(other, MembershipFactory(circle=other, kind="facilitator").member, count=2)
    assert len(parsed(client.get(feed_url(member))).walk("VEVENT")) == 2


def test_a_tampered_link_is_refused_and_nothing_is_written(
    client, frozen, circle, facilitator, member
):
    schedule(circle, facilitator, count=1)
    url = feed_url(member)
    calendars = list(MemberCalendar.objects.values_list("pk", "secret"))
    other = MembershipFactory(circle=circle).member
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    # Her secret, another member's id, her signature: the signature no longer matches.
    secret = ""  # she has never revoked a link
    payload = json.dumps({"m": other.pk, "s": secret}, separators=(",", ":")).encode()
    forged = f"{signing.b64_encode(payload).decode()}:{token.rsplit(':', 1)[1]}"
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        response = client.get(reverse("meetings:feed", kwargs={"token": bad}))
        assert response.status_code == 404
        assert "This calendar link is not valid" in response.content.decode()
    assert list(MemberCalendar.objects.values_list("pk", "secret")) == calendars


def test_revoking_the_link_stops_the_old_one(client, frozen, circle, facilitator, member):
    schedule(circle, facilitator, count=1)
    old = feed_url(member)
    client.force_login(member)
    client.post(reverse("meetings:calendar_revoke"))
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(feed_url(member)).status_code == 200


def test_the_meeting_ics_has_the_same_uid_as_the_feed(client, frozen, circle, facilitator, member):
    occurrence = schedule(circle, facilitator, count=1).occurrences.get()
    client.force_login(member)
    single = events(parsed(client.get(reverse("meetings:ics", args=[circle.slug, occurrence.pk]))))
    client.logout()
    assert set(single) == set(events(parsed(client.get(feed_url(member)))))


def test_the_calendar_page_shows_her_link(client, frozen, circle, facilitator, member):
    schedule(circle, facilitator, count=1)
    client.force_login(member)
    page = client.get(reverse("meetings:calendar")).content.decode()
    assert "http://testserver/meetings/calendar/" in page and "Circle meeting" in page


def test_opening_her_meetings_page_writes_nothing_and_its_link_works(
    client, frozen, circle, facilitator, member
):
    schedule(circle, facilitator, count=1)
    client.force_login(member)
    page = client.get(reverse("meetings:calendar")).content.decode()
    assert not MemberCalendar.objects.exists()
    link = re.search(r"http://testserver(/meetings/calendar/[^\s\"<]+\.ics)", page).group(1)
    client.logout()
    assert len(parsed(client.get(link)).walk("VEVENT")) == 1
    client.force_login(member)
    client.post(reverse("meetings:calendar_revoke"))
    client.logout()
    assert client.get(link).status_code == 404
    assert MemberCalendar.objects.filter(member=member).count() == 1


def test_a_deactivated_members_feed_stops(client, frozen, circle, facilitator, member):
    schedule(circle, facilitator, count=1)
    url = feed_url(member)
    assert client.get(url).status_code == 200
    member.is_active = False
    member.save()
    assert client.get(url).status_code == 404
