""" "Answered" and "followed up" mean the same on the dashboard, the health page, in the
digest and in nudges: only someone other than the author answers a log, and only a
published follow-up ends a commitment."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from circles.models import ActionLog, LogState
from circles.selectors import dashboard_for
from facilitation.selectors import circle_health
from notifications.selectors import digest_contents
from notifications.services.nudges import nudges_send_due
from tests.factories import ActionLogFactory, ResponseFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db

NOW = at(23, 10)  # Monday 23 November 2026, 10:00 London


def _author_answered_only_herself(circle):
    author = member_of(circle)
    peer = member_of(circle)
    log = log_in(circle, author, published_at=at(20), title="Rota gaps on weekends")
    ResponseFactory(log=log, author=author, created_at=at(20, 14), body="One more thing…")
    return author, peer, log


def test_the_authors_own_words_never_answer_her_log_anywhere(circle):
    author, peer, log = _author_answered_only_herself(circle)

    with time_machine.travel(NOW, tick=False):
        waiting_on_dashboard = dashboard_for(user=peer)["waiting"]
        digest = digest_contents(member_ids=[peer.pk], week=WEEK)[peer.pk]
        health = circle_health(circle=circle)
        result = nudges_send_due()

    assert [lg.pk for lg in waiting_on_dashboard] == [log.pk]
    assert [lg.pk for lg in digest.waiting_logs] == [log.pk]
    assert [lg.pk for lg in health.unanswered_logs] == [log.pk]
    assert result.sent.get("unanswered_log") == 1
    [nudge] = [m for m in mail.outbox if m.to == [peer.email]]
    assert "Rota gaps on weekends" in nudge.subject + nudge.body


def test_a_peers_response_answers_the_log_everywhere(circle):
    author, peer, log = _author_answered_only_herself(circle)
    ResponseFactory(log=log, author=peer, created_at=at(21))
    other = member_of(circle)

    with time_machine.travel(NOW, tick=False):
        waiting_on_dashboard = dashboard_for(user=other)["waiting"]
        digest = digest_contents(member_ids=[other.pk], week=WEEK)[other.pk]
        health = circle_health(circle=circle)
        result = nudges_send_due()

    assert waiting_on_dashboard == []
    assert digest.waiting_logs == []
    assert health.unanswered_logs == []
    assert result.sent.get("unanswered_log") is None


def _commitment_with_draft_follow_up(circle, *, due):
    author = member_of(circle)
    log = log_in(
        circle, author, published_at=at(10), title="Board trial",
        next_step="Run the board with the weekend team", next_step_due=due,
    )  # fmt: skip
    ActionLogFactory(
        circle=circle, author=author, follows=log, title="Board trial, part two",
        state=LogState.DRAFT, published_at=None,
    )  # fmt: skip
    return author, log


def test_a_draft_follow_up_does_not_end_the_commitment_anywhere(circle):
    author, log = _commitment_with_draft_follow_up(circle, due=dt.date(2026, 11, 25))

    with time_machine.travel(NOW, tick=False):
        on_dashboard = dashboard_for(user=author)["commitments"]
        digest = digest_contents(member_ids=[author.pk], week=WEEK)[author.pk]

    assert [lg.pk for lg in on_dashboard] == [log.pk]
    assert [lg.pk for lg in digest.commitments] == [log.pk]


def test_a_draft_follow_up_does_not_stop_the_commitment_nudge(circle):
    author, log = _commitment_with_draft_follow_up(circle, due=dt.date(2026, 11, 20))

    with time_machine.travel(NOW, tick=False):
        result = nudges_send_due()

    assert result.sent.get("commitment_due") == 1
    [nudge] = [m for m in mail.outbox if m.to == [author.email]]
    assert nudge.subject == 'What happened with "Board trial"?'


def test_a_published_follow_up_ends_the_commitment_everywhere(circle):
    author, log = _commitment_with_draft_follow_up(circle, due=dt.date(2026, 11, 25))
    ActionLog.objects.filter(follows=log).update(state=LogState.PUBLISHED, published_at=at(22))

    with time_machine.travel(NOW, tick=False):
        on_dashboard = dashboard_for(user=author)["commitments"]
        digest = digest_contents(member_ids=[author.pk], week=WEEK).get(author.pk)

    assert on_dashboard == []
    assert digest is None or digest.commitments == []
