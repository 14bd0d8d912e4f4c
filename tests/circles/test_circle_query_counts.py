"""List pages of the memberships part run the same number of queries with few and many
items: the requests list on a circle's page, and the invites page."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from circles.models import ActionLog, MembershipState
from circles.services.memberships import invite_create
from tests.factories import CircleFactory, FacilitatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _circle_with(n):
    circle = CircleFactory(join_policy="request", entry_question="Why?", capacity=100)
    circle.tags.add("handover", "staffing")
    facilitator = FacilitatorFactory(circle=circle).member
    for _ in range(n):
        MembershipFactory(circle=circle, state=MembershipState.PENDING, joined_at=None)
        MembershipFactory(circle=circle)
        invite_create(actor=facilitator, circle=circle)
    return circle, facilitator


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_circle_page_for_facilitator_is_constant_in_requests(client):
    """The page also holds the feed and the facilitators' tools (other parts of the
    app): whatever they add, 3 or 30 pending requests must not change the count."""
    few, few_facilitator = _circle_with(3)
    many, many_facilitator = _circle_with(30)
    ContentType.objects.get_for_model(ActionLog)  # looked up once per process, then kept
    client.force_login(few_facilitator)
    few_count, response = _count(client, few.get_absolute_url())
    assert len(response.context["pending_requests"]) == 3
    client.force_login(many_facilitator)
    many_count, response = _count(client, many.get_absolute_url())
    assert len(response.context["pending_requests"]) == 30
    assert few_count == many_count
    assert many_count <= 40


def test_public_page_for_visitor_query_count(client, django_assert_num_queries):
    circle, _ = _circle_with(30)
    # circle with counts, roles, tags, facilitators (+profiles, joined).
    with django_assert_num_queries(4):
        client.get(circle.get_absolute_url())


# User with profile (members.auth), circle, can_moderate, invites with their creators'
# profiles (joined); the session comes from the cache.
INVITES_PAGE_QUERIES = 5  # with the bell


@pytest.mark.parametrize("n", [3, 30])
def test_invites_page_query_count(client, django_assert_num_queries, n):
    circle, facilitator = _circle_with(n)
    client.force_login(facilitator)
    with django_assert_num_queries(INVITES_PAGE_QUERIES):
        response = client.get(reverse("circles:invites", args=[circle.slug]))
    assert len(response.context["invite_links"]) == n
