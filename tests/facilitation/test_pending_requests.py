"""Pending join requests are counted the same way on the circle page, in the moderation
queue and its count, and in the facilitator's digest."""

import pytest
from django.urls import reverse

from circles.models import MembershipState
from circles.selectors import circle_pending_requests, queue_counts
from facilitation.selectors import moderation_queue
from notifications.selectors import digest_contents
from tests.factories import CircleFactory, FacilitatorFactory, MembershipFactory
from tests.notifications.conftest import WEEK, at

pytestmark = pytest.mark.django_db


def test_every_page_and_email_counts_the_same_requests(client):
    circle = CircleFactory(name="Ward managers", slug="ward-managers", join_policy="open")
    facilitator = FacilitatorFactory(circle=circle, joined_at=at(1)).member
    newer = MembershipFactory(circle=circle, state=MembershipState.PENDING, created_at=at(10))
    older = MembershipFactory(circle=circle, state=MembershipState.PENDING, created_at=at(3))
    for state in (MembershipState.DECLINED, MembershipState.LEFT, MembershipState.ACTIVE):
        MembershipFactory(circle=circle, state=state)
    MembershipFactory(state=MembershipState.PENDING)  # another circle's

    assert list(circle_pending_requests(circle=circle)) == [older, newer]
    assert moderation_queue(circle=circle)["requests"] == [older, newer]
    assert queue_counts(circle=circle)["requests"] == 2
    [item] = digest_contents(member_ids=[facilitator.pk], week=WEEK)[facilitator.pk].facilitation
    assert item.pending_requests == 2

    client.force_login(facilitator)
    page = client.get(reverse("circles:detail", args=[circle.slug])).content.decode()
    assert "Requests to join" in page
    first = page.index(reverse("circles:admit", args=[circle.slug, older.pk]))
    assert first < page.index(reverse("circles:admit", args=[circle.slug, newer.pk]))
    assert 'Requests to join <span class="meta">(2)</span>' in page


@pytest.mark.parametrize("page", ["circles:detail", "facilitation:queue"])
def test_a_requester_who_hides_her_organisation_is_shown_without_it(client, page):
    circle = CircleFactory(
        name="Ward managers", slug="ward-managers", join_policy="request", entry_question="Why?"
    )
    facilitator = FacilitatorFactory(circle=circle).member
    hidden, shown = (
        MembershipFactory(circle=circle, state=MembershipState.PENDING).member for _ in range(2)
    )
    for member, organisation, hide in (
        (hidden, "Hidden Trust", True),
        (shown, "Open Trust", False),
    ):
        member.profile.organisation = organisation
        member.profile.hide_organisation = hide
        member.profile.save()
    client.force_login(facilitator)
    html = client.get(reverse(page, args=[circle.slug])).content.decode()
    assert f"Admit {hidden.display_name}" in html
    assert "Hidden Trust" not in html and "Open Trust" in html
