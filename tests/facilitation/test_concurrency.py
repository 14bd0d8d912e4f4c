"""Two facilitators deciding on the same thing at the same moment: one decision is taken
and recorded, the other is told it is already done (the services lock the row)."""

import pytest

from circles.models import Membership
from circles.services.memberships import membership_leave
from facilitation import services
from facilitation.models import ModerationAction, ModerationVerb, Report, ReportReason, ReportState
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
)

ATTEMPTS = 4


@pytest.mark.django_db(transaction=True)
def test_simultaneous_hides_record_one_decision(postgres_only, race):
    circle = CircleFactory()
    facilitators = [FacilitatorFactory(circle=circle).member for _ in range(ATTEMPTS)]
    log = ActionLogFactory(circle=circle)
    response = ResponseFactory(log=log)
    results = race(
        [
            lambda f=f: services.content_hide(actor=f, response=response, reason=f"By {f.pk}")
            for f in facilitators
        ]
    )
    assert results == ["This is already hidden."] * (ATTEMPTS - 1) + ["ok"]
    assert ModerationAction.objects.filter(verb=ModerationVerb.HIDE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_dismissals_record_one_decision(postgres_only, race):
    circle = CircleFactory()
    facilitators = [FacilitatorFactory(circle=circle).member for _ in range(ATTEMPTS)]
    log = ActionLogFactory(circle=circle)
    reporter = MembershipFactory(circle=circle).member
    report, _ = services.report_create(reporter=reporter, log=log, reason=ReportReason.OTHER)
    results = race(
        [lambda f=f: services.report_dismiss(actor=f, report=report) for f in facilitators]
    )
    assert results == ["This report has already been dealt with."] * (ATTEMPTS - 1) + ["ok"]
    assert ModerationAction.objects.filter(verb=ModerationVerb.DISMISS).count() == 1
    assert Report.objects.get(pk=report.pk).state == ReportState.DISMISSED


NEEDS_A_FACILITATOR = "A circle needs a facilitator: make someone else one first."
rounds = pytest.mark.parametrize("round_", range(3))


def _facilitators_left(circle):
    return Membership.objects.facilitators().filter(circle=circle).count()


@rounds
@pytest.mark.django_db(transaction=True)
def test_two_facilitators_stepping_down_at_once_leave_one(postgres_only, race, round_):
    circle = CircleFactory()
    first, second = (FacilitatorFactory(circle=circle) for _ in range(2))
    MembershipFactory(circle=circle)
    results = race(
        [
            lambda: services.facilitator_demote(actor=first.member, membership=first),
            lambda: services.facilitator_demote(actor=second.member, membership=second),
        ]
    )
    assert results == [NEEDS_A_FACILITATOR, "ok"]
    assert _facilitators_left(circle) == 1


@rounds
@pytest.mark.django_db(transaction=True)
def test_two_facilitators_removing_each_other_at_once_leave_one(postgres_only, race, round_):
    circle = CircleFactory()
    first, second = (FacilitatorFactory(circle=circle) for _ in range(2))
    results = race(
        [
            lambda: services.member_remove(actor=first.member, membership=second, reason="x"),
            lambda: services.member_remove(actor=second.member, membership=first, reason="x"),
        ]
    )
    # Whoever comes second is no longer a facilitator by then.
    assert results == ["Only this circle's facilitators can do that.", "ok"]
    assert _facilitators_left(circle) == 1


@rounds
@pytest.mark.django_db(transaction=True)
def test_stepping_down_while_the_other_facilitator_leaves_keeps_one(postgres_only, race, round_):
    circle = CircleFactory(name="Night shift")
    first, second = (FacilitatorFactory(circle=circle) for _ in range(2))
    MembershipFactory(circle=circle)
    results = race(
        [
            lambda: services.facilitator_demote(actor=first.member, membership=first),
            lambda: membership_leave(user=second.member, circle=circle),
        ]
    )
    assert results.count("ok") == 1
    assert _facilitators_left(circle) == 1
