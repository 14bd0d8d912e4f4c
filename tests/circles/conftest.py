"""The circles tests' one world: a circle with every kind of person who might try to read
or act on it (``helpers.WHO``), a circle elsewhere with its own facilitator, and, unless
asked otherwise, a published log with a response and a draft.

``world`` is the default one; a module that needs another join policy or no logs builds
its own through ``world_build`` (``@pytest.fixture def world(): return world_build(...)``)
or calls ``world_build`` in a test."""

from dataclasses import dataclass

import pytest

from circles.models import ActionLog, Circle, LogState, Membership, MembershipState, Response
from members.models import User
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
    UserFactory,
)


@dataclass
class World:
    circle: Circle
    other_circle: Circle
    facilitator: User
    member: User
    pending_membership: Membership
    non_member: User
    other_facilitator: User
    staff: User
    author: User | None = None  # with logs: an active member who wrote them
    log: ActionLog | None = None  # published, by author
    draft: ActionLog | None = None  # by author
    response: Response | None = None  # a question by member on log

    @property
    def pending(self) -> User:
        return self.pending_membership.member

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


def world_build(
    *,
    name: str = "Ward managers North",
    slug: str = "ward-north",
    policy: str = "open",
    entry_question: str = "",
    entry_answer: str = "",
    capacity: int = 20,
    logs: bool = True,
) -> World:
    circle = CircleFactory(
        name=name,
        slug=slug,
        join_policy=policy,
        entry_question=entry_question,
        capacity=capacity,
    )
    other_circle = CircleFactory(name="City officials", slug="city-officials")
    world = World(
        circle=circle,
        other_circle=other_circle,
        facilitator=FacilitatorFactory(circle=circle, member__email="fac@example.org").member,
        member=MembershipFactory(circle=circle, member__email="member@example.org").member,
        pending_membership=MembershipFactory(
            circle=circle,
            member__email="pending@example.org",
            state=MembershipState.PENDING,
            joined_at=None,
            entry_answer=entry_answer,
        ),
        non_member=UserFactory(email="outsider@example.org"),
        other_facilitator=FacilitatorFactory(
            circle=other_circle, member__email="elsewhere@example.org"
        ).member,
        staff=UserFactory(email="staff@example.org", is_staff=True),
    )
    if logs:
        _logs_add(world)
    return world


def _logs_add(world: World) -> None:
    world.author = MembershipFactory(circle=world.circle, member__email="author@example.org").member
    world.log = ActionLogFactory(circle=world.circle, author=world.author, title="Handover huddle")
    world.log.tags.set(["handover"])
    world.draft = ActionLogFactory(
        circle=world.circle,
        author=world.author,
        title="Secret draft about rotas",
        state=LogState.DRAFT,
        published_at=None,
    )
    world.response = ResponseFactory(
        log=world.log, author=world.member, body="What did nights think?"
    )


@pytest.fixture
def world(db) -> World:
    return world_build()
