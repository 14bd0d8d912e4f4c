"""N+1 detection (django-zeal, ``tests/settings.py``) is on for pages and for tasks: code
that loads a relation once per row fails the test that runs it."""

import pytest
from zeal import NPlusOneError

from circles.models import Membership
from school.celery import app
from tests.factories import CircleFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@app.task(name="tests.members_named_row_by_row")
def members_named_row_by_row() -> list[str]:
    return [str(m.member) for m in Membership.objects.all()]


@app.task(name="tests.members_named_at_once")
def members_named_at_once() -> list[str]:
    rows = Membership.objects.select_related("member__profile")
    return [str(m.member) for m in rows]


@pytest.fixture
def memberships():
    circle = CircleFactory()
    return [MembershipFactory(circle=circle) for _ in range(3)]


def test_a_task_that_queries_per_row_fails(tasks_run_at_once, memberships):
    with pytest.raises(NPlusOneError, match="circles.Membership.member"):
        members_named_row_by_row.delay()


def test_a_task_that_loads_relations_at_once_passes(tasks_run_at_once, memberships):
    assert len(members_named_at_once.delay().get()) == 3


def test_a_page_that_queries_per_row_fails(admin_client, memberships, monkeypatch):
    """The admin's circle page lists its memberships by name: without the inline's
    ``select_related`` it would load each member on its own."""
    from circles.admin import MembershipInline

    monkeypatch.setattr(
        MembershipInline, "get_queryset", lambda self, request: Membership.objects.all()
    )
    with pytest.raises(NPlusOneError, match="circles.Membership.member"):
        admin_client.get(f"/admin/circles/circle/{memberships[0].circle_id}/change/")
