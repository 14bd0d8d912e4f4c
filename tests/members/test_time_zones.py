"""A member's pages speak her clock: "today", "due", "overdue" and the dates she reads
follow her profile's time zone; visitors get the school's."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from members.local_time import local_date, member_today, zone_of
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Monday 23 November 2026, 21:30 in New York: already Tuesday 02:30 in London and in UTC.
MONDAY_EVENING_IN_NEW_YORK = dt.datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


def in_zone(user, zone: str):
    user.profile.time_zone = zone
    user.profile.save()
    return user


@pytest.fixture
def circle():
    return CircleFactory(name="Ward managers North", slug="ward-north")


def member_in(circle, zone="Europe/London", **kwargs):
    return in_zone(MembershipFactory(circle=circle, **kwargs).member, zone)


def test_member_today_and_local_date_follow_her_zone_and_fall_back_to_the_schools():
    new_york = in_zone(UserFactory(), "America/New_York")
    london = UserFactory()
    assert member_today(new_york, MONDAY_EVENING_IN_NEW_YORK) == dt.date(2026, 11, 23)
    assert member_today(london, MONDAY_EVENING_IN_NEW_YORK) == dt.date(2026, 11, 24)
    assert local_date(new_york, MONDAY_EVENING_IN_NEW_YORK) == dt.date(2026, 11, 23)
    # In summer time London is an hour ahead of UTC: 23:30 UTC is tomorrow there.
    summer_night = dt.datetime(2026, 10, 20, 23, 30, tzinfo=UTC)
    assert local_date(london, summer_night) == dt.date(2026, 10, 21)
    broken = in_zone(UserFactory(), "Not/A_Zone")
    assert zone_of(broken) == zoneinfo.ZoneInfo("Europe/London")


def test_a_commitment_dated_today_is_due_today_not_overdue_in_her_evening(client, circle):
    new_york = member_in(circle, "America/New_York")
    london = member_in(circle)
    for author in (new_york, london):
        ActionLogFactory(
            circle=circle,
            author=author,
            next_step="Count missed meals",
            next_step_due=dt.date(2026, 11, 23),
            published_at=dt.datetime(2026, 11, 16, 9, 0, tzinfo=UTC),
        )
    with time_machine.travel(MONDAY_EVENING_IN_NEW_YORK, tick=False):
        client.force_login(new_york)
        mine = client.get(reverse("dashboard")).content.decode()
        client.force_login(london)
        hers = client.get(reverse("dashboard")).content.decode()
    assert "Due today" in mine and "Overdue" not in mine
    assert "Overdue" in hers and "Due today" not in hers


def test_a_log_is_dated_on_the_readers_clock(client, circle):
    new_york = member_in(circle, "America/New_York")
    london = member_in(circle)
    log = ActionLogFactory(circle=circle, published_at=MONDAY_EVENING_IN_NEW_YORK)
    url = reverse("circles:log_detail", args=[circle.slug, log.pk])
    client.force_login(new_york)
    assert ">23 Nov 2026</time>" in client.get(url).content.decode()
    client.force_login(london)
    assert ">24 Nov 2026</time>" in client.get(url).content.decode()


def test_health_csv_dates_are_the_facilitators_local_dates(client, circle):
    new_york = in_zone(FacilitatorFactory(circle=circle).member, "America/New_York")
    london = in_zone(FacilitatorFactory(circle=circle).member, "Europe/London")
    ActionLogFactory(circle=circle, title="Evening log", published_at=MONDAY_EVENING_IN_NEW_YORK)
    # 23:30 UTC in British summer time is already the next day in London.
    ActionLogFactory(
        circle=circle,
        title="Summer night log",
        published_at=dt.datetime(2026, 10, 20, 23, 30, tzinfo=UTC),
    )
    url = reverse("facilitation:health_csv", args=[circle.slug])

    def unanswered(user):
        client.force_login(user)
        with time_machine.travel(dt.datetime(2026, 11, 24, 3, 0, tzinfo=UTC), tick=False):
            response = client.get(url)
        rows = csv.reader(io.StringIO(response.content.decode()))
        dates = {name: value for section, name, value in rows if section == "unanswered log"}
        return response["Content-Disposition"], dates

    disposition, dates = unanswered(new_york)
    assert dates == {"Summer night log": "2026-10-20", "Evening log": "2026-11-23"}
    assert 'filename="ward-north-health-2026-11-23.csv"' in disposition
    disposition, dates = unanswered(london)
    assert dates == {"Summer night log": "2026-10-21", "Evening log": "2026-11-24"}
    assert 'filename="ward-north-health-2026-11-24.csv"' in disposition


def test_a_new_invite_links_expiry_is_dated_on_the_facilitators_clock(client, circle):
    new_york = in_zone(FacilitatorFactory(circle=circle).member, "America/New_York")
    client.force_login(new_york)
    with time_machine.travel(MONDAY_EVENING_IN_NEW_YORK, tick=False):
        page = client.post(
            reverse("circles:invites", args=[circle.slug]), {"days": 14}, follow=True
        )
    # 14 days after Monday 21:30 in New York is Monday 7 December there (8 December in UTC).
    assert "it works until 07 December 2026" in page.content.decode()


def test_earlier_logs_to_follow_up_are_dated_on_the_authors_clock(client, circle):
    new_york = member_in(circle, "America/New_York")
    ActionLogFactory(
        circle=circle, author=new_york, title="Board trial", published_at=MONDAY_EVENING_IN_NEW_YORK
    )
    client.force_login(new_york)
    page = client.get(reverse("circles:log_create", args=[circle.slug])).content.decode()
    assert f"Board trial ({circle.name}, 23 Nov 2026)" in page
