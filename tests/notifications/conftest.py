import contextlib
import datetime as dt
import zoneinfo

import pytest
import time_machine

from tests.factories import ActionLogFactory, CircleFactory, MembershipFactory, UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
# The digest for the week of Monday 23 November 2026 covers 16-22 November.
WEEK = dt.date(2026, 11, 23)
MONDAY_7AM = dt.datetime(2026, 11, 23, 7, 0, tzinfo=LONDON)


def at(day: int, hour: int = 12, month: int = 11, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def frozen():
    """Time stands at Monday 23 November 2026, 07:00 in London."""
    with time_machine.travel(MONDAY_7AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def circle(db):
    return CircleFactory(name="Ward managers North")


def member_of(circle, **kwargs):
    kwargs.setdefault("joined_at", at(1))
    return MembershipFactory(circle=circle, **kwargs).member


def log_in(circle, author, *, published_at, **kwargs):
    return ActionLogFactory(circle=circle, author=author, published_at=published_at, **kwargs)


def user(**kwargs):
    return UserFactory(**kwargs)


@contextlib.contextmanager
def broker_unreachable():
    """Point Celery at a closed port: publishing fails at once (no publish retry)."""
    from school.celery import app

    saved = (app.conf.broker_url, app.__dict__.get("_pool"), app.amqp._producer_pool)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = app.amqp._producer_pool = None  # connections made for the real URL
    try:
        yield
    finally:  # (kombu keeps the closed-port pool, empty, in its global registry)
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved
