"""What the weekly digest says about itself: the dates it covers, a subject that says what
is inside, the member's open commitments, and the admin's default week."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from notifications.models import DigestRun
from notifications.selectors import digest_week_next
from notifications.services.digests import digest_send_batch, digest_span
from tests.factories import ResponseFactory, UserFactory
from tests.notifications.conftest import LONDON, WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db


def send(member, week=WEEK):
    digest_send_batch(week=week, member_ids=[member.pk])
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    return message


def answered(log, by, when):
    ResponseFactory(log=log, author=by, kind="reflection", created_at=when)
    return log


@pytest.mark.parametrize(
    ("week", "span"),
    [
        (WEEK, "16–22 Nov"),
        (dt.date(2026, 12, 7), "30 Nov – 6 Dec"),
        (dt.date(2027, 1, 4), "28 Dec 2026 – 3 Jan 2027"),
    ],
)
def test_the_span_names_the_seven_days_before_the_monday(week, span):
    assert digest_span(week) == span


def test_heading_says_the_dates_covered_and_the_subject_what_is_inside(frozen, circle):
    reader, writer, peer = member_of(circle), member_of(circle), member_of(circle)
    answered(log_in(circle, writer, published_at=at(17), title="Huddle"), peer, at(18))
    answered(log_in(circle, writer, published_at=at(19), title="Board"), peer, at(20))
    own = log_in(circle, reader, published_at=at(16), next_step_due=None)
    ResponseFactory(log=own, author=peer, kind="question", created_at=at(21))

    message = send(reader)

    assert message.subject == "2 new logs and a question for you"
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Your circles, 16–22 Nov" in part
        assert "this week" not in part and "week before" not in part
        assert "from Monday 16 to Sunday 22 November 2026" in part


def test_subject_counts_every_kind_of_news_and_never_runs_on(frozen, circle):
    reader, writer, peer = member_of(circle), member_of(circle), member_of(circle)
    answered(log_in(circle, writer, published_at=at(17)), peer, at(18))
    log_in(circle, writer, published_at=at(19))  # waiting for a response
    own = log_in(circle, reader, published_at=at(16), next_step_due=None)
    for kind in ("question", "question", "suggestion"):
        ResponseFactory(log=own, author=peer, kind=kind, created_at=at(21))
    log_in(
        circle, reader, published_at=at(12), next_step="Ask the matron",
        next_step_due=dt.date(2026, 11, 25),
    )  # fmt: skip

    message = send(reader)

    assert message.subject == (
        "A new log, a log waiting for a response, 2 questions for you and more"
    )


def test_digest_lists_open_commitments_with_a_follow_up_link(frozen, circle):
    reader = member_of(circle)
    overdue = log_in(
        circle, reader, published_at=at(2), next_step="Ask the matron about cover",
        next_step_due=dt.date(2026, 11, 18),
    )  # fmt: skip
    soon = log_in(
        circle, reader, published_at=at(12), next_step="Try the board at night",
        next_step_due=dt.date(2026, 11, 26),
    )  # fmt: skip
    later = log_in(
        circle, reader, published_at=at(20), next_step="Write up the rota trial",
        next_step_due=dt.date(2026, 12, 14),
    )  # fmt: skip
    done = log_in(
        circle, reader, published_at=at(3), next_step="Bring the board to the huddle",
        next_step_due=dt.date(2026, 11, 19),
    )  # fmt: skip
    log_in(circle, reader, published_at=at(21), follows=done, next_step="")

    message = send(reader)

    assert message.subject == "2 commitments to follow up"
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Your open commitments" in part or "YOUR OPEN COMMITMENTS" in part
        assert "Ask the matron about cover" in part and "Was due Wednesday 18 November" in part
        assert "Try the board at night" in part and "Due Thursday 26 November" in part
        assert "Write up the rota trial" in part and "Due Monday 14 December" in part
        for log in (overdue, soon, later):
            assert f"/logs/new/?follows={log.pk}" in part
        assert "Bring the board to the huddle" not in part  # followed up
    assert message.body.count("Write the follow-up") == 3
    assert html.count("Write the follow-up") == 3


def test_a_commitment_far_off_alone_sends_no_digest(frozen, circle):
    reader = member_of(circle)
    log_in(
        circle, reader, published_at=at(20), next_step="Later", next_step_due=dt.date(2027, 1, 8)
    )
    digest_send_batch(week=WEEK, member_ids=[reader.pk])
    assert mail.outbox == []


def test_the_admins_default_week_is_the_one_sent_next(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    start = reverse("admin:notifications_digestrun_start")
    preview = reverse("admin:notifications_digestrun_preview")
    # Monday 23 November, before the 07:00 run: this Monday's digest goes next.
    with time_machine.travel(dt.datetime(2026, 11, 23, 6, 0, tzinfo=LONDON), tick=False):
        assert digest_week_next() == WEEK
        assert b'value="2026-11-23"' in client.get(start).content
    DigestRun.objects.create(week=WEEK)
    # Wednesday, this week's digest gone: next Monday's.
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False):
        assert digest_week_next() == dt.date(2026, 11, 30)
        for url in (start, preview):
            page = client.get(url).content
            assert b'value="2026-11-30"' in page, url
            assert "23–29 Nov".encode() in page, url  # what that digest will cover
