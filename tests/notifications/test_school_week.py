"""The digest's week is the school's, whatever time zone the page asking is in."""

import datetime as dt

import time_machine
from django.utils import timezone

from notifications.selectors import week_start

# Sunday 22 November 2026, 16:00 in London, is already Monday 01:00 in Tokyo.
SUNDAY_AFTERNOON_IN_LONDON = dt.datetime(2026, 11, 22, 16, 0, tzinfo=dt.UTC)


def test_this_week_is_the_schools_week_even_on_a_page_in_another_zone():
    with (
        time_machine.travel(SUNDAY_AFTERNOON_IN_LONDON, tick=False),
        timezone.override("Asia/Tokyo"),  # a staff member in Tokyo opens the admin
    ):
        assert week_start() == dt.date(2026, 11, 16)
