import datetime as dt
import zoneinfo

import pytest
import time_machine

from circles.permissions import circle_access
from meetings.services import meeting_schedule
from tests.factories import CircleFactory, FacilitatorFactory, MembershipFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Tuesday 13 October 2026, noon in London: British Summer Time ends on 25 October.
NOW = dt.datetime(2026, 10, 13, 12, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def circle(db):
    return CircleFactory(name="Ward managers North", slug="ward-north", capacity=80)


@pytest.fixture
def facilitator(circle):
    return FacilitatorFactory(circle=circle).member


@pytest.fixture
def member(circle):
    return MembershipFactory(circle=circle).member


def schedule(circle, facilitator, *, first_local=None, repeat="weekly", count=4, **kwargs):
    """A weekly 18:00-19:00 London meeting from Tuesday 20 October 2026."""
    kwargs.setdefault("title", "Circle meeting")
    kwargs.setdefault("time_zone", "Europe/London")
    kwargs.setdefault("duration_minutes", 60)
    return meeting_schedule(
        access=circle_access(facilitator, circle),
        first_local=first_local or dt.datetime(2026, 10, 20, 18, 0),
        repeat=repeat,
        count=count,
        **kwargs,
    )
