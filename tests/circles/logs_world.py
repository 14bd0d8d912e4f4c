"""Shared set-up for the action-log and response tests: one circle with every kind of
person who might try to read or act on its logs (imported by the test_log* modules)."""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from circles.models import ActionLog, Circle, LogState, MembershipState, Response
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
    author: User
    member: User
    pending: User
    non_member: User
    other_facilitator: User
    staff: User
    log: ActionLog  # published, by author
    draft: ActionLog  # by author
    response: Response  # a question by member on log

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


WHO = [
    "anonymous",
    "non_member",
    "pending",
    "member",
    "author",
    "other_facilitator",
    "facilitator",
    "staff",
]


@pytest.fixture
def world(db) -> World:
    circle = CircleFactory(name="Ward managers North", slug="ward-north", capacity=20)
    other_circle = CircleFactory(name="City officials", slug="city-officials")
    facilitator = FacilitatorFactory(circle=circle, member__email="fac@example.org").member
    author = MembershipFactory(circle=circle, member__email="author@example.org").member
    member = MembershipFactory(circle=circle, member__email="member@example.org").member
    pending = MembershipFactory(
        circle=circle, member__email="pending@example.org", state=MembershipState.PENDING
    ).member
    other_facilitator = FacilitatorFactory(
        circle=other_circle, member__email="elsewhere@example.org"
    ).member
    log = ActionLogFactory(circle=circle, author=author, title="Handover huddle")
    log.tags.set(["handover"])
    draft = ActionLogFactory(
        circle=circle,
        author=author,
        title="Secret draft about rotas",
        state=LogState.DRAFT,
        published_at=None,
    )
    response = ResponseFactory(log=log, author=member, body="What did nights think?")
    return World(
        circle=circle,
        other_circle=other_circle,
        facilitator=facilitator,
        author=author,
        member=member,
        pending=pending,
        non_member=UserFactory(email="outsider@example.org"),
        other_facilitator=other_facilitator,
        staff=UserFactory(email="staff@example.org", is_staff=True),
        log=log,
        draft=draft,
        response=response,
    )


def sign_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


def db_state():
    """Everything a log or response action could change."""
    return (
        sorted(
            ActionLog.objects.values_list(
                "pk", "title", "situation", "state", "published_at", "edited_at", "follows_id"
            )
        ),
        sorted(
            Response.objects.values_list("pk", "log_id", "kind", "body", "edited_at", "helpful_at")
        ),
        sorted(ActionLog.tags.through.objects.values_list("object_id", "tag_id")),
    )


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def log_post_data(**overrides) -> dict:
    data = {
        "title": "Safer staffing huddle",
        "situation": "Nights are short of two nurses most weeks.",
        "action": "A 10-minute huddle at 19:30 to rebalance the ward.",
        "prediction": "Fewer missed observations.",
        "outcome": "",
        "insight": "",
        "next_step": "Try it for two weeks and count missed observations.",
        "next_step_due": (datetime.date.today() + datetime.timedelta(days=14)).isoformat(),
        "ask": "Has anyone measured this?",
        "tags": "staffing, nights",
        "follows": "",
    }
    data.update(overrides)
    return data
