"""A facilitator of one circle cannot reach another circle's logs, responses, reports,
memberships or invites by putting their ids under their own circle's address."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.models import ActionLog, Invite, Membership, MembershipState, Response
from facilitation.models import ModerationAction, Report
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MINE = "city-officials"  # the slug of the circle other_facilitator runs


def _snapshot():
    return (
        list(
            ActionLog.objects.order_by("pk").values_list(
                "pk", "is_hidden", "pinned_at", "locked_at"
            )
        ),
        list(Response.objects.order_by("pk").values_list("pk", "is_hidden")),
        list(Report.objects.order_by("pk").values_list("pk", "state")),
        list(Membership.objects.order_by("pk").values_list("pk", "state", "kind")),
        list(Invite.objects.order_by("pk").values_list("pk", "revoked_at")),
        ModerationAction.objects.count(),
    )


def _targets(world):
    pending = MembershipFactory(
        circle=world.circle, state=MembershipState.PENDING, joined_at=None, entry_answer="Hi"
    )
    invite = Invite.objects.create(
        circle=world.circle, created_by=world.facilitator,
        expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    log, response, other = world.log.pk, world.response.pk, world.other.pk
    return [
        ("facilitation:log_hide", log, {"reason": "x"}),
        ("facilitation:log_pin", log, {}),
        ("facilitation:log_lock", log, {}),
        ("facilitation:response_hide", response, {"reason": "x"}),
        ("facilitation:report_dismiss", world.report.pk, {}),
        ("facilitation:member_remove", other, {"reason": "x"}),
        ("facilitation:facilitator_promote", other, {}),
        ("facilitation:facilitator_demote", world.co_facilitator.pk, {}),
        ("circles:admit", pending.pk, {}),
        ("circles:decline", pending.pk, {}),
        ("circles:invite_revoke", invite.pk, {}),
    ]


def test_ids_from_another_circle_under_my_circles_address_are_not_found(client, world):
    targets = _targets(world)
    before = _snapshot()
    client.force_login(world.other_facilitator)
    for name, pk, data in targets:
        url = reverse(name, kwargs={"slug": MINE, "pk": pk})
        assert client.post(url, data).status_code == 404, name
        assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 404, name
    assert _snapshot() == before
