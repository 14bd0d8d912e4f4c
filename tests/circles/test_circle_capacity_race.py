"""Capacity under concurrency: people taking the last place at the same moment cannot
push a circle over its capacity (the services lock the circle row)."""

import pytest

from circles.models import Membership, MembershipState
from circles.services.memberships import (
    invite_create,
    invite_token,
    membership_admit,
    membership_join,
    membership_join_by_invite,
)
from tests.factories import CircleFactory, FacilitatorFactory, MembershipFactory, UserFactory

ATTEMPTS = 6


def _full(results: list[str]) -> list[str]:
    """Refusals because the circle is full, as "full"."""
    return sorted("full" if "is full" in r else r for r in results)


@pytest.mark.django_db(transaction=True)
def test_last_place_goes_to_exactly_one_joiner(postgres_only, race):
    circle = CircleFactory(join_policy="open", capacity=3)
    FacilitatorFactory(circle=circle)
    MembershipFactory(circle=circle)
    users = [UserFactory() for _ in range(ATTEMPTS)]
    results = _full(race([lambda u=u: membership_join(user=u, circle=circle) for u in users]))
    assert results == ["full"] * (ATTEMPTS - 1) + ["ok"]
    assert Membership.objects.filter(circle=circle, state=MembershipState.ACTIVE).count() == 3


@pytest.mark.django_db(transaction=True)
def test_admissions_and_invite_joins_race_for_the_last_place(postgres_only, race):
    circle = CircleFactory(join_policy="request", entry_question="Why?", capacity=2)
    facilitator = FacilitatorFactory(circle=circle).member
    pending = [
        MembershipFactory(circle=circle, state=MembershipState.PENDING, joined_at=None)
        for _ in range(ATTEMPTS // 2)
    ]
    token = invite_token(invite_create(actor=facilitator, circle=circle))
    invited = [UserFactory() for _ in range(ATTEMPTS // 2)]
    actions = [lambda m=m: membership_admit(actor=facilitator, membership=m) for m in pending]
    actions += [lambda u=u: membership_join_by_invite(user=u, token=token) for u in invited]
    results = _full(race(actions))
    assert results == ["full"] * (ATTEMPTS - 1) + ["ok"]
    assert Membership.objects.filter(circle=circle, state=MembershipState.ACTIVE).count() == 2
