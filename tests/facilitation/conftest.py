from dataclasses import dataclass

import pytest

from circles.models import ActionLog, Circle, Membership, Response
from facilitation import services
from facilitation.models import Report, ReportReason
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
    """One circle with every kind of person who might try to moderate it."""

    circle: Circle
    facilitator: User
    co_facilitator: Membership
    author: User
    member: User
    other: Membership  # an ordinary member, the target of remove/promote
    log: ActionLog
    response: Response
    report: Report
    other_facilitator: User  # facilitates another circle
    removed_facilitator: User
    demoted_facilitator: User
    staff: User


@pytest.fixture
def world(db) -> World:
    circle = CircleFactory(name="Ward managers North", slug="ward-north", capacity=20)
    facilitator = FacilitatorFactory(circle=circle, member__email="fac@example.org").member
    co_facilitator = FacilitatorFactory(circle=circle, member__email="cofac@example.org")
    author = MembershipFactory(circle=circle, member__email="author@example.org").member
    member = MembershipFactory(circle=circle, member__email="member@example.org").member
    other = MembershipFactory(circle=circle, member__email="other@example.org")
    log = ActionLogFactory(circle=circle, author=author, title="Handover huddle")
    response = ResponseFactory(log=log, author=other.member, body="Stop moaning, everyone copes.")
    report, _ = services.report_create(
        reporter=member, response=response, reason=ReportReason.DISRESPECTFUL, details="Unkind."
    )
    elsewhere = CircleFactory(name="City officials", slug="city-officials")
    other_facilitator = FacilitatorFactory(
        circle=elsewhere, member__email="elsewhere@example.org"
    ).member
    removed = FacilitatorFactory(circle=circle, member__email="removed@example.org")
    demoted = FacilitatorFactory(circle=circle, member__email="demoted@example.org")
    # Through the real services: their powers must end at once.
    services.member_remove(actor=facilitator, membership=removed, reason="Left the trust")
    services.facilitator_demote(actor=facilitator, membership=demoted, reason="Stepping back")
    staff = UserFactory(email="staff@example.org", is_staff=True)
    return World(
        circle=circle,
        facilitator=facilitator,
        co_facilitator=co_facilitator,
        author=author,
        member=member,
        other=other,
        log=log,
        response=response,
        report=report,
        other_facilitator=other_facilitator,
        removed_facilitator=removed.member,
        demoted_facilitator=demoted.member,
        staff=staff,
    )
