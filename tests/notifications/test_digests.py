"""The weekly digest: who gets one, what it says, exactly once, fixed query count."""

import datetime as dt
import io
import smtplib
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from circles.models import ActionLog, MembershipState, Response
from facilitation.models import Report
from notifications.models import DeliveryStatus, DigestDelivery, DigestRun, DigestRunState
from notifications.selectors import digest_contents
from notifications.services.digests import (
    digest_preview,
    digest_run_fanout,
    digest_run_start,
    digest_send_batch,
)
from notifications.services.unsubscribe import unsubscribe_token_read
from tests.factories import (
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
    UserFactory,
)
from tests.notifications.conftest import WEEK, at, log_in, member_of
from tests.notifications.mailbackends import DyingBackend, WorkerKilled

pytestmark = pytest.mark.django_db


def send(*members):
    return digest_send_batch(week=WEEK, member_ids=[m.pk for m in members])


def mail_to(member):
    return [m for m in mail.outbox if m.to == [member.email]]


def test_digest_lists_the_week_in_the_members_circles(frozen, circle, settings):
    reader = member_of(circle)
    writer = member_of(circle)
    writer.profile.display_name = "Asha Patel"
    writer.profile.save()
    answered = log_in(
        circle, writer, published_at=at(18), title="Handover huddle",
        situation="Night-to-day **handover** overruns by twenty minutes most days.",
    )  # fmt: skip
    ResponseFactory(log=answered, author=reader, created_at=at(19))
    waiting = log_in(circle, writer, published_at=at(20), title="Rota gaps on weekends")
    own = log_in(circle, reader, published_at=at(17), title="My own log", next_step_due=None)
    reply = ResponseFactory(log=own, author=writer, created_at=at(21), body="What did *you* try?")
    due = log_in(
        circle, reader, published_at=at(10), title="Board trial",
        next_step="Run the board with the weekend team", next_step_due=dt.date(2026, 11, 25),
    )  # fmt: skip
    old = log_in(circle, writer, published_at=at(2), title="Older than the week")
    ResponseFactory(log=old, author=reader, created_at=at(3))

    result = send(reader)

    assert (result.sent, result.skipped) == (1, 0)
    [message] = mail.outbox
    assert message.to == [reader.email]
    assert message.subject == "A new log, a log waiting for a response, a question for you and more"
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    for part in (message.body, html):
        assert "Handover huddle" in part and "Asha Patel" in part
        assert "Ward managers North" in part
        assert f"http://testserver/circles/{circle.slug}/logs/{answered.pk}/" in part
        assert "Rota gaps on weekends" in part  # waiting for a first response
        assert f"#response-{reply.pk}" in part  # a response to the member's own log
        assert "Run the board with the weekend team" in part  # commitment due this week
        assert f"/logs/new/?follows={due.pk}" in part
        assert "Older than the week" not in part
    assert "Night-to-day handover overruns" in message.body  # a plain excerpt, no Markdown
    assert message.body.index("WAITING FOR A FIRST RESPONSE") < message.body.index(waiting.title)
    # Every link is absolute and the HTML has no external assets.
    assert 'href="/' not in html and "<img" not in html and "<link" not in html
    assert 'style="' in html
    # One-click unsubscribe (RFC 8058) for the digest type.
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://testserver/email/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsubscribe.strip("<>").rstrip("/").rsplit("/", 1)[1]
    target = unsubscribe_token_read(token=token)
    assert (target.member_id, target.email_type) == (reader.pk, "digest")
    assert "http://testserver/me/preferences/" in message.body
    row = DigestDelivery.objects.get(member=reader, week=WEEK)
    assert row.status == DeliveryStatus.SENT and row.sent_at is not None


def test_member_with_nothing_to_read_gets_none_and_is_recorded_skipped(frozen, circle):
    quiet = member_of(circle)
    other_circle = CircleFactory()
    log_in(other_circle, member_of(other_circle), published_at=at(20))  # not their circle

    result = send(quiet)

    assert (result.sent, result.skipped) == (0, 1)
    assert mail.outbox == []
    assert DigestDelivery.objects.get(member=quiet).status == DeliveryStatus.SKIPPED


def test_deactivated_unverified_opted_out_and_non_members_get_none(frozen, circle):
    deactivated = member_of(circle)
    deactivated.is_active = False
    deactivated.save()
    unverified = member_of(circle)
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    opted_out = member_of(circle)
    opted_out.profile.digest_enabled = False
    opted_out.profile.save()
    pending = MembershipFactory(circle=circle, state=MembershipState.PENDING).member
    left = MembershipFactory(circle=circle, state=MembershipState.LEFT).member
    archived = CircleFactory(status="archived")
    in_archived = member_of(archived)
    log_in(archived, member_of(archived), published_at=at(20))
    reader = member_of(circle)
    log_in(circle, member_of(circle), published_at=at(20))

    everyone = [deactivated, unverified, opted_out, pending, left, in_archived, reader]
    send(*everyone)

    assert [m.to for m in mail.outbox] == [[reader.email]]


def test_hidden_logs_and_responses_never_reach_a_digest(frozen, circle):
    reader = member_of(circle)
    facilitator = FacilitatorFactory(circle=circle, joined_at=at(1)).member
    writer = member_of(circle)
    log_in(circle, writer, published_at=at(18), title="Hidden log", is_hidden=True)
    shown = log_in(circle, writer, published_at=at(18), title="Shown log")
    ResponseFactory(log=shown, author=reader, created_at=at(19))
    own = log_in(circle, reader, published_at=at(17), title="Reader's log")
    ResponseFactory(log=own, author=writer, created_at=at(19), body="Rude words", is_hidden=True)
    own_hidden = log_in(circle, reader, published_at=at(17), title="Hidden own", is_hidden=True)
    ResponseFactory(log=own_hidden, author=writer, created_at=at(19), body="On a hidden log")
    log_in(circle, writer, published_at=None, title="A draft", state="draft")

    send(reader, facilitator)

    for message in mail.outbox:
        text = message.body + message.alternatives[0][0]
        assert "Shown log" in text
        assert "Hidden log" not in text and "Rude words" not in text and "A draft" not in text
        assert "Hidden own" not in text and "On a hidden log" not in text


def test_digest_shows_only_what_the_member_may_see(frozen, circle):
    """Cross-check against the one visibility rule: every log and response in a digest
    is in ``visible_to(member)``."""
    reader = member_of(circle)
    elsewhere = CircleFactory()
    writer = member_of(circle)
    MembershipFactory(circle=elsewhere, member=writer, joined_at=at(1))
    log_in(circle, writer, published_at=at(18))
    log_in(elsewhere, writer, published_at=at(18), title="Elsewhere only")
    log_in(circle, writer, published_at=at(19), is_hidden=True)
    own = log_in(circle, reader, published_at=at(17))
    ResponseFactory(log=own, author=writer, created_at=at(19))

    content = digest_contents(member_ids=[reader.pk], week=WEEK)[reader.pk]

    visible_logs = set(ActionLog.objects.visible_to(reader).values_list("pk", flat=True))
    shown = content.new_logs + content.waiting_logs + content.commitments
    assert shown and {log.pk for log in shown} <= visible_logs
    visible_responses = set(Response.objects.visible_to(reader).values_list("pk", flat=True))
    assert content.responses and {r.pk for r in content.responses} <= visible_responses


def test_facilitators_section_lists_open_reports_and_pending_requests(frozen, circle):
    facilitator = FacilitatorFactory(circle=circle, joined_at=at(1)).member
    member = member_of(circle)
    reported = log_in(circle, member, published_at=at(5))
    Report.objects.create(circle=circle, reporter=facilitator, log=reported, reason="other")
    MembershipFactory(circle=circle, state=MembershipState.PENDING)
    MembershipFactory(circle=circle, state=MembershipState.PENDING)

    send(facilitator, member)

    [message] = mail.outbox  # the ordinary member has nothing to read this week
    assert message.to == [facilitator.email]
    assert "FOR YOU AS FACILITATOR" in message.body
    assert "1 open report, 2 join requests waiting" in message.body
    assert f"http://testserver/facilitate/{circle.slug}/queue/" in message.body


def test_a_rerun_sends_nothing_twice(frozen, circle):
    members = [member_of(circle) for _ in range(3)]
    log_in(circle, member_of(circle), published_at=at(20))

    first = send(*members)
    second = send(*members)
    run = digest_run_start(week=WEEK, enqueue=False)
    digest_run_fanout(run_id=run.pk)  # the whole run again: nothing left to do

    assert (first.sent, second.sent, second.already) == (3, 0, 3)
    assert len(mail.outbox) == 3
    assert DigestDelivery.objects.filter(week=WEEK, status=DeliveryStatus.SENT).count() == 3


def test_a_failed_send_releases_the_claim_and_a_retry_sends_once(frozen, circle, settings):
    members = [member_of(circle) for _ in range(2)]
    log_in(circle, member_of(circle), published_at=at(20))
    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.BrokenSMTPBackend"

    with pytest.raises(smtplib.SMTPConnectError):
        send(*members)

    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = send(*members)
    assert result.sent == 2 and len(mail.outbox) == 2


def test_a_redelivered_batch_takes_over_its_own_claims_but_not_others(frozen, circle):
    """A task whose worker died left rows claimed under its id: the redelivered task
    (same id) sends them; a different task leaves them alone."""
    a, b = member_of(circle), member_of(circle)
    log_in(circle, member_of(circle), published_at=at(20))
    for m in (a, b):
        DigestDelivery.objects.create(
            member=m, week=WEEK, status=DeliveryStatus.SENDING, claim_token="task-1"
        )

    other = digest_send_batch(week=WEEK, member_ids=[a.pk, b.pk], token="task-2")
    again = digest_send_batch(week=WEEK, member_ids=[a.pk, b.pk], token="task-1")
    once_more = digest_send_batch(week=WEEK, member_ids=[a.pk, b.pk], token="task-1")

    assert (other.sent, again.sent, once_more.sent) == (0, 2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])


def test_a_batch_killed_after_k_sends_repeats_none_of_them_when_redelivered(
    frozen, circle, settings
):
    """The worker dies after the SMTP server accepted three digests: those three are on
    record as sent, so the redelivered task (same id) sends only the rest."""
    members = [member_of(circle) for _ in range(6)]
    log_in(circle, member_of(circle), published_at=at(20))
    ids = [m.pk for m in members]
    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.DyingBackend"
    DyingBackend.die_after = 3

    with pytest.raises(WorkerKilled):
        digest_send_batch(week=WEEK, member_ids=ids, token="task-1")
    accepted = {m.to[0] for m in mail.outbox}
    assert len(accepted) == 3
    sent = DigestDelivery.objects.filter(week=WEEK, status=DeliveryStatus.SENT)
    assert set(sent.values_list("member__email", flat=True)) == accepted

    DyingBackend.die_after = None
    digest_send_batch(week=WEEK, member_ids=ids, token="task-1")
    assert Counter(m.to[0] for m in mail.outbox) == Counter({m.email: 1 for m in members})


def _digest_world(n):
    """``n`` members in two circles, each with something to read (same shape for any n)."""
    circles = [CircleFactory(), CircleFactory()]
    writer = UserFactory()
    members = []
    for i in range(n):
        member = UserFactory()
        MembershipFactory(circle=circles[i % 2], member=member, joined_at=at(1))
        members.append(member)
    members[0].memberships.update(kind="facilitator")  # one facilitator in every batch
    for c in circles:
        MembershipFactory(circle=c, member=writer, joined_at=at(1))
        log_in(c, writer, published_at=at(18))
        answered = log_in(c, writer, published_at=at(19))
        ResponseFactory(log=answered, author=writer, created_at=at(20))
        MembershipFactory(circle=c, state=MembershipState.PENDING)
    for member in members:
        own = log_in(member.memberships.first().circle, member, published_at=at(16))
        ResponseFactory(log=own, author=writer, created_at=at(20))
    return members


def test_a_batch_runs_a_fixed_number_of_queries_and_one_per_email_sent(
    frozen, django_assert_num_queries
):
    """Reading and building cost the same for 5 and 50 members; each email sent adds the
    one update that records it before the next send."""
    small, large = _digest_world(5), _digest_world(50)
    with CaptureQueriesContext(connection) as few:
        send(*small)
    fixed = len(few.captured_queries) - 5
    assert fixed <= 20
    with django_assert_num_queries(fixed + 50):
        send(*large)
    assert len(mail.outbox) == 55


def test_preview_shows_a_members_digest_and_sends_nothing(frozen, circle):
    reader = member_of(circle)
    log_in(circle, member_of(circle), published_at=at(20), title="Previewed log")

    content, message = digest_preview(member=reader, week=WEEK)

    assert "Previewed log" in message.body and message.to == [reader.email]
    assert mail.outbox == [] and not DigestDelivery.objects.exists()
    nothing, no_message = digest_preview(member=reader, week=WEEK - dt.timedelta(days=28))
    assert nothing.is_empty and no_message is None


def test_command_dry_run_sends_nothing_and_a_run_sends_once(frozen, circle, capsys):
    members = [member_of(circle) for _ in range(4)]
    log_in(circle, members[0], published_at=at(20))

    call_command("send_weekly_digest", "--week", "2026-W48", "--dry-run")
    out = capsys.readouterr().out
    assert "3 would get a digest, 1 have nothing to read" in out
    assert mail.outbox == [] and not DigestDelivery.objects.exists()

    call_command("send_weekly_digest", "--week", "2026-11-23")
    out = capsys.readouterr().out
    assert "Sent 3, skipped 1, failed 0" in out
    run = DigestRun.objects.get()
    assert (run.state, run.total, run.sent, run.skipped) == (DigestRunState.FINISHED, 4, 3, 1)

    call_command("send_weekly_digest", "--week", "2026-11-23")
    assert "0 member(s) to do" in capsys.readouterr().out
    assert len(mail.outbox) == 3


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_command_shows_progress_on_a_terminal_and_nothing_when_piped(frozen, circle):
    for _ in range(3):
        member_of(circle)
    terminal, stdout = _Terminal(), io.StringIO()
    call_command(
        "send_weekly_digest", "--week", "2026-W48", "--dry-run", stderr=terminal, stdout=stdout
    )
    bar = terminal.getvalue()
    assert "3/3" in bar and "member" in bar and "\x1b[" not in bar  # one bar, not in error red
    assert bar.count("\n") == 1  # redrawn in place, one line break when it closes
    assert "3/3" not in stdout.getvalue()

    piped = io.StringIO()
    call_command(
        "send_weekly_digest", "--week", "2026-W48", "--dry-run", stderr=piped, stdout=stdout
    )
    assert piped.getvalue() == ""
