"""Nudges: who gets one and who does not, with time frozen."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from circles.models import Membership, MembershipState
from facilitation.models import Report
from notifications.models import NudgeDelivery, NudgeKind
from notifications.services.nudges import nudges_send_due
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
)
from tests.notifications.conftest import at, log_in, member_of

pytestmark = pytest.mark.django_db

NOW = at(23, 10)  # Monday 23 November 2026, 10:00 London


def sweep(now=NOW):
    with time_machine.travel(now, tick=False):
        return nudges_send_due()


def to(member):
    return [m for m in mail.outbox if m.to == [member.email]]


def recent(circle, member, days_ago=1):
    """A recent log, answered by someone else, so the member is not 'quiet' in the circle."""
    log = log_in(circle, member, published_at=NOW - dt.timedelta(days=days_ago), title="recent")
    ResponseFactory(log=log)
    return log


# --- commitment due ------------------------------------------------------------------------


def test_commitment_due_asks_what_happened_with_a_follow_up_link(circle):
    author = member_of(circle)
    log = log_in(
        circle, author, published_at=at(10), title="Board trial",
        next_step="run the board with the weekend team", next_step_due=dt.date(2026, 11, 20),
    )  # fmt: skip
    recent(circle, author)

    result = sweep()

    [message] = to(author)
    assert message.subject == 'What happened with "Board trial"?'
    assert (
        "On 20 November 2026 you planned to run the board with the weekend team. What "
        "happened?" in message.body
    )
    assert f"http://testserver/circles/{circle.slug}/logs/new/?follows={log.pk}" in message.body
    assert f"?follows={log.pk}" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/email/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert result.sent == {NudgeKind.COMMITMENT_DUE: 1}
    # Next hour, next day: never the same nudge again.
    sweep(NOW + dt.timedelta(hours=1))
    sweep(NOW + dt.timedelta(days=1))
    assert len(to(author)) == 1


def test_no_commitment_nudge_before_the_date_after_a_follow_up_or_when_opted_out(circle):
    early = member_of(circle)
    log_in(circle, early, published_at=at(1), next_step_due=dt.date(2026, 11, 23))  # today
    followed = member_of(circle)
    earlier = log_in(circle, followed, published_at=at(1), next_step_due=dt.date(2026, 11, 20))
    ActionLogFactory(circle=circle, author=followed, follows=earlier, published_at=at(21))
    opted_out = member_of(circle)
    opted_out.profile.nudges_enabled = False
    opted_out.profile.save()
    log_in(circle, opted_out, published_at=at(1), next_step_due=dt.date(2026, 11, 20))
    for m in (early, followed, opted_out):
        recent(circle, m)

    sweep()

    assert mail.outbox == []


# --- unanswered log --------------------------------------------------------------------------


def test_unanswered_log_asks_two_peers_in_fair_rotation_never_the_author(circle):
    author = member_of(circle)
    peers = [member_of(circle) for _ in range(4)]
    opted_out = member_of(circle)
    opted_out.profile.nudges_enabled = False
    opted_out.profile.save()
    # peers[0] and peers[1] were asked recently; peers[2] long ago; peers[3] never.
    Membership.objects.filter(member=peers[0]).update(last_asked_to_respond_at=at(22))
    Membership.objects.filter(member=peers[1]).update(last_asked_to_respond_at=at(21))
    Membership.objects.filter(member=peers[2]).update(last_asked_to_respond_at=at(2))
    for m in (author, *peers, opted_out):
        recent(circle, m, days_ago=3)
    log = log_in(circle, author, published_at=NOW - dt.timedelta(hours=49), title="Rota gaps")

    sweep()

    asked = {m.to[0] for m in mail.outbox}
    assert asked == {peers[3].email, peers[2].email}  # never asked, then least recently
    message = to(peers[3])[0]
    assert "Rota gaps" in message.subject or "Rota gaps" in message.body
    assert f"http://testserver/circles/{circle.slug}/logs/{log.pk}/" in message.body
    assert Membership.objects.get(member=peers[3]).last_asked_to_respond_at == NOW
    # The log is still unanswered tomorrow: nobody else is asked about it.
    sweep(NOW + dt.timedelta(days=1))
    assert len(mail.outbox) == 2


def test_no_unanswered_nudge_before_48_hours_or_once_answered(circle):
    author, peer = member_of(circle), member_of(circle)
    for m in (author, peer):
        recent(circle, m, days_ago=3)
    log_in(circle, author, published_at=NOW - dt.timedelta(hours=47))
    answered = log_in(circle, author, published_at=NOW - dt.timedelta(hours=60))
    ResponseFactory(log=answered, author=peer)

    sweep()

    assert mail.outbox == []


def test_the_next_unanswered_log_goes_to_the_next_peers_in_turn(circle):
    author = member_of(circle)
    peers = [member_of(circle) for _ in range(4)]
    for m in (author, *peers):
        recent(circle, m, days_ago=3)
    log_in(circle, author, published_at=NOW - dt.timedelta(hours=50))
    sweep()
    first = {m.to[0] for m in mail.outbox}
    log_in(circle, author, published_at=NOW - dt.timedelta(hours=1))
    sweep(NOW + dt.timedelta(days=2, hours=1))
    second = {m.to[0] for m in mail.outbox} - first
    assert len(first) == 2 and len(second) == 2 and first.isdisjoint(second)


# --- quiet member ----------------------------------------------------------------------------


def test_quiet_member_gets_one_gentle_nudge_at_most_every_14_days(circle):
    quiet = member_of(circle)  # joined 1 November, no log since
    active = member_of(circle)
    recent(circle, active)
    member_of(circle, joined_at=at(20))

    sweep()
    assert [m.to for m in mail.outbox] == [[quiet.email]]  # not the newcomer, not the active
    assert "Ward managers North" in mail.outbox[0].subject
    assert f"http://testserver/circles/{circle.slug}/logs/new/" in mail.outbox[0].body

    for days in (1, 7, 13):
        sweep(NOW + dt.timedelta(days=days))
    assert len(to(quiet)) == 1
    sweep(NOW + dt.timedelta(days=14, hours=1))
    assert len(to(quiet)) == 2


# --- at most one a day, facilitators ---------------------------------------------------------


def test_at_most_one_nudge_email_per_member_per_day(circle):
    busy = member_of(circle)  # quiet, with a commitment due, and a peer's log to answer
    log_in(circle, busy, published_at=at(1), next_step_due=dt.date(2026, 11, 20))
    other = member_of(circle)
    recent(circle, other, days_ago=3)
    log_in(circle, other, published_at=NOW - dt.timedelta(hours=50))

    sweep()
    sweep(NOW + dt.timedelta(hours=1))
    assert len(to(busy)) == 1
    assert NudgeDelivery.objects.get(member=busy).kind == NudgeKind.COMMITMENT_DUE
    sweep(NOW + dt.timedelta(days=1))
    sweep(NOW + dt.timedelta(days=2))
    assert len(to(busy)) == 3  # one a day until each nudge has gone once
    assert NudgeDelivery.objects.filter(member=busy).values("day").distinct().count() == 3


def test_facilitator_is_nudged_when_a_report_or_request_waits_over_48_hours(circle):
    facilitator = FacilitatorFactory(circle=circle, joined_at=at(1)).member
    recent(circle, facilitator)
    other_circle_facilitator = FacilitatorFactory(circle=CircleFactory(), joined_at=at(1)).member
    recent(other_circle_facilitator.memberships.get().circle, other_circle_facilitator)
    MembershipFactory(
        circle=circle, state=MembershipState.PENDING, created_at=NOW - dt.timedelta(hours=10)
    )

    sweep()
    assert mail.outbox == []  # nothing has waited 48 hours yet

    member = member_of(circle)
    recent(circle, member)
    Report.objects.create(
        circle=circle, reporter=member, reason="other",
        log=recent(circle, member), created_at=NOW - dt.timedelta(hours=50),
    )  # fmt: skip
    sweep(NOW + dt.timedelta(hours=1))

    [message] = mail.outbox
    assert message.to == [facilitator.email]
    assert "1 open report" in message.body and "1 join request" in message.body
    assert f"http://testserver/facilitate/{circle.slug}/queue/" in message.body
    sweep(NOW + dt.timedelta(days=1))
    assert len(mail.outbox) == 1  # the same waiting report is not nudged about again


def test_a_claim_left_by_a_dead_worker_is_released_and_sent_later(circle):
    author = member_of(circle)
    log = log_in(circle, author, published_at=at(1), next_step_due=dt.date(2026, 11, 20))
    NudgeDelivery.objects.create(
        member=author, kind=NudgeKind.COMMITMENT_DUE, subject_key=f"log:{log.pk}",
        day=dt.date(2026, 11, 22), claimed_at=at(22, 9),
    )  # fmt: skip

    sweep()

    assert [m.to for m in mail.outbox] == [[author.email]]
    assert NudgeDelivery.objects.get(member=author).status == "sent"


def test_a_sweep_killed_after_k_nudges_repeats_none_of_them(circle, settings):
    """The worker dies sending the second of three nudges: the first is on record as sent;
    the redelivered sweep sends the third, and the one in flight once its claim is stale."""
    from tests.notifications.mailbackends import DyingBackend, WorkerKilled

    authors = [member_of(circle) for _ in range(3)]
    for author in authors:
        log_in(circle, author, published_at=at(10), next_step_due=dt.date(2026, 11, 20))
        recent(circle, author)
    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.DyingBackend"
    DyingBackend.die_after = 1

    with pytest.raises(WorkerKilled):
        sweep()
    assert NudgeDelivery.objects.filter(status="sent").count() == 1

    DyingBackend.die_after = None
    sweep(NOW + dt.timedelta(minutes=1))  # the redelivered task
    sweep(NOW + dt.timedelta(minutes=45))  # the next sweep: the stale claim goes out
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in authors)
