"""One circle with every persona of the access matrix (anonymous, unconfirmed, not
onboarded, non-member, requester, removed member, member, author, another circle's
facilitator, facilitator, staff), a published log by the author and a response to it by
the member that mentions nobody."""

from dataclasses import dataclass

import pytest

from circles.models import ActionLog, Circle, MembershipState, Response
from members.models import User
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ProfileFactory,
    ResponseFactory,
    UserFactory,
)

PERSONAS = [
    "anonymous", "unconfirmed", "not_onboarded", "non_member", "requester", "removed",
    "member", "author", "other_facilitator", "facilitator", "staff",
]  # fmt: skip


@dataclass
class People:
    circle: Circle
    other_circle: Circle
    unconfirmed: User
    not_onboarded: User
    non_member: User
    requester: User
    removed: User
    member: User
    author: User
    other_facilitator: User
    facilitator: User
    staff: User
    stranger: User  # an active member of the other circle only
    log: ActionLog
    response: Response

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


def person(name: str, **kwargs) -> User:
    user = UserFactory(**kwargs)
    user.profile.display_name = name
    user.profile.save(update_fields=["display_name"])
    return user


@pytest.fixture
def people(db) -> People:
    circle = CircleFactory(name="Ward managers North", slug="ward-north", capacity=30)
    other = CircleFactory(name="City officials", slug="city-officials")
    unconfirmed = UserFactory(verified=False)
    ProfileFactory(user=unconfirmed, display_name="Una Confirmed")
    MembershipFactory(circle=circle, member=unconfirmed)
    not_onboarded = person("Nora Newcomer")
    not_onboarded.profile.onboarded_at = None
    not_onboarded.profile.save(update_fields=["onboarded_at"])
    MembershipFactory(circle=circle, member=not_onboarded)
    w = People(
        circle=circle,
        other_circle=other,
        unconfirmed=unconfirmed,
        not_onboarded=not_onboarded,
        non_member=person("Olive Outsider"),
        requester=MembershipFactory(
            circle=circle, member=person("Rita Request"), state=MembershipState.PENDING
        ).member,
        removed=MembershipFactory(
            circle=circle, member=person("Remy Removed"), state=MembershipState.REMOVED
        ).member,
        member=MembershipFactory(circle=circle, member=person("Bea Member")).member,
        author=MembershipFactory(circle=circle, member=person("Asha Author")).member,
        other_facilitator=FacilitatorFactory(circle=other, member=person("Otto Other")).member,
        facilitator=FacilitatorFactory(circle=circle, member=person("Grace Facilitator")).member,
        staff=person("Sam Staff", is_staff=True),
        stranger=MembershipFactory(circle=other, member=person("Stella Stranger")).member,
        log=None,
        response=None,
    )
    w.log = ActionLogFactory(circle=circle, author=w.author, title="Handover huddle")
    w.response = ResponseFactory(log=w.log, author=w.member, body="What did nights think?")
    return w
