"""Scheduling a meeting: one time-zone list (the school's zone first, her own next, places
grouped by region under friendly names), and a time the spring clock change skips refused
with a message naming the change, at 1280 px and 375 px, axe at 0 on every page."""

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting, Occurrence
from tests.browser.helpers import check_page, person, role, save_screenshots, sign_in
from tests.factories import PASSWORD, CircleFactory, FacilitatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_schedules_on_the_one_list_and_meets_the_clock_change(open_page):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Night shift leads", slug="night-shift")
    grace = person("Grace Okafor", nurse, email="grace@example.org")
    grace.profile.time_zone = "Europe/Dublin"
    grace.profile.save()
    FacilitatorFactory(circle=circle, member=grace)

    page = open_page()
    sign_in(page, email="grace@example.org", password=PASSWORD)
    page.goto("/circles/night-shift/meetings/new/")
    check_page(page, heading="Schedule a meeting")
    zone = page.get_by_label("Time zone")
    options = zone.locator("option")
    expect(options.nth(0)).to_have_text("London (the school's time zone)")
    expect(options.nth(1)).to_have_text("Dublin (your time zone)")
    expect(zone.locator("optgroup[label='Africa'] option", has_text="Asmara")).to_have_count(1)
    expect(zone.locator("option[value='Africa/Asmera']")).to_have_count(0)
    save_screenshots(page, "meeting-schedule-time-zones")

    page.get_by_label("Title").fill("Night huddle")
    page.get_by_label("Date").fill("2027-03-28")
    page.get_by_label("Starts at").fill("01:30")
    page.get_by_label("Ends at").fill("02:30")
    zone.select_option("Europe/London")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "01:30 does not exist in Europe/London on Sunday 28 March 2027: the clocks go "
        "forward an hour that night, from 01:00 to 02:00."
    )
    check_page(page, heading="Schedule a meeting")
    save_screenshots(page, "meeting-clock-change-refused")
    assert not Meeting.objects.exists()

    page.get_by_label("Starts at").fill("02:30")
    page.get_by_label("Ends at").fill("03:30")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("status")).to_contain_text("Scheduled: Night huddle")
    check_page(page, heading="Night huddle")
    assert Occurrence.objects.get().starts_at.isoformat() == "2027-03-28T01:30:00+00:00"
