""" "Someone responded to your log": batched, preference respected, never lost."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from circles.models import ActionLog, Response
from circles.services.responses import reply_create, response_create
from notifications.models import DeliveryStatus, ResponseNotification
from notifications.services.responses import (
    BATCH_SECONDS,
    response_emails_send,
    response_emails_sweep,
)
from notifications.tasks import response_emails_send_task
from tests.factories import ResponseFactory
from tests.notifications.conftest import at, broker_unreachable, log_in, member_of

pytestmark = pytest.mark.django_db

NOW = at(23, 10)


@pytest.fixture
def published(monkeypatch):
    """Record what is published instead of talking to a broker."""
    calls = []
    monkeypatch.setattr(response_emails_send_task, "apply_async", lambda **kw: calls.append(kw))
    return calls


def test_a_response_queues_the_email_after_commit_with_a_batching_delay(
    circle, published, django_capture_on_commit_callbacks
):
    author, peer = member_of(circle), member_of(circle)
    log = log_in(circle, author, published_at=at(20))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response_create(author=peer, log=log, kind="question", body="Who joined the huddle?")
    assert published == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert published == [{"args": (author.pk,), "kwargs": None, "countdown": BATCH_SECONDS}]

    question = Response.objects.get(log=log)
    with django_capture_on_commit_callbacks(execute=True):
        reply_create(author=author, response=question, body="Answering the question")
    # The author's reply is for the one who asked, never for the author herself.
    assert published[1:] == [{"args": (peer.pk,), "kwargs": None, "countdown": BATCH_SECONDS}]


def test_a_burst_of_responses_becomes_one_email_listing_them_all(circle):
    author, peer, other = member_of(circle), member_of(circle), member_of(circle)
    first = log_in(circle, author, published_at=at(20), title="Handover huddle")
    second = log_in(circle, author, published_at=at(21), title="Weekend board")
    with time_machine.travel(NOW, tick=False):
        ResponseFactory(log=first, author=peer, body="What did the night team say?")
        ResponseFactory(log=first, author=other, kind="suggestion", body="Try a timer.")
        ResponseFactory(log=second, author=peer, body="Who keeps the board?")
        ResponseFactory(log=second, author=author, body="My own note")
        ResponseFactory(log=second, author=other, body="Rude words", is_hidden=True)

    with time_machine.travel(NOW + dt.timedelta(seconds=BATCH_SECONDS), tick=False):
        covered = response_emails_send(recipient_id=author.pk)
        again = response_emails_send(recipient_id=author.pk)

    assert (covered, again) == (3, 0)
    [message] = mail.outbox
    assert message.to == [author.email]
    assert message.subject == "3 new responses to your logs"
    for text in (message.body, message.alternatives[0][0]):
        assert "Handover huddle" in text and "Weekend board" in text
        assert "What did the night team say?" in text and "Try a timer." in text
        assert "My own note" not in text and "Rude words" not in text
        assert f"http://testserver/circles/{circle.slug}/logs/{first.pk}/#response-" in text
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ResponseNotification.objects.filter(status=DeliveryStatus.SENT).count() == 3


def test_no_email_when_the_author_turned_response_emails_off(circle):
    author, peer = member_of(circle), member_of(circle)
    author.profile.response_emails_enabled = False
    author.profile.save()
    log = log_in(circle, author, published_at=at(20))
    with time_machine.travel(NOW, tick=False):
        ResponseFactory(log=log, author=peer)

    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        assert response_emails_send(recipient_id=author.pk) == 0
        assert response_emails_sweep() == 0

    assert mail.outbox == []
    assert ResponseNotification.objects.get().status == DeliveryStatus.SKIPPED


def test_a_failed_send_releases_the_claim_and_the_sweep_sends_it_later(circle, settings):
    author, peer = member_of(circle), member_of(circle)
    log = log_in(circle, author, published_at=at(20))
    with time_machine.travel(NOW, tick=False):
        ResponseFactory(log=log, author=peer)
    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.BrokenSMTPBackend"
    with pytest.raises(OSError), time_machine.travel(NOW + dt.timedelta(minutes=6)):
        response_emails_send(recipient_id=author.pk)
    assert not ResponseNotification.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        assert response_emails_sweep() == 1
        assert response_emails_sweep() == 0
    assert [m.to for m in mail.outbox] == [[author.email]]


@pytest.fixture
def broker_down():
    with broker_unreachable():
        yield


def test_posting_a_log_and_a_response_with_the_broker_down_works_and_sends_later(
    client, circle, broker_down, django_capture_on_commit_callbacks, caplog
):
    author, peer = member_of(circle), member_of(circle)
    client.force_login(author)
    with time_machine.travel(NOW, tick=True):
        page = client.post(
            reverse("circles:log_create", kwargs={"slug": circle.slug}),
            {
                "title": "Safer staffing huddle",
                "situation": "Nights are short of two nurses.",
                "action": "A 10-minute huddle at 19:30.",
                "tags": "staffing",
                "follows": "",
                "publish": "1",
            },
        )
        log = ActionLog.objects.get(title="Safer staffing huddle")
        assert page.status_code == 302 and page["Location"] == log.get_absolute_url()
        assert log.is_published

        client.force_login(peer)
        with (
            caplog.at_level(logging.WARNING, logger="school.enqueue"),
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            page = client.post(
                reverse("circles:response_create", kwargs={"slug": circle.slug, "pk": log.pk}),
                {"kind": "question", "body": "How did the day team hear about it?"},
            )
    assert page.status_code == 302
    assert Response.objects.filter(log=log, author=peer).exists()
    # Its email's task was published once, on commit (the other callback forgets the
    # recipient's bell again), and the broker refused it.
    assert len(callbacks) == 2
    assert sum("broker unreachable" in r.getMessage() for r in caplog.records) == 1
    assert mail.outbox == []

    # The broker is back; the periodic sweep finds the response in the database.
    with time_machine.travel(NOW + dt.timedelta(minutes=6), tick=False):
        assert response_emails_sweep() == 1
    [message] = mail.outbox
    assert message.to == [author.email]
    assert "How did the day team hear about it?" in message.body


def test_a_claim_left_by_a_dead_worker_is_released_and_sent_by_the_sweep(circle):
    author, peer = member_of(circle), member_of(circle)
    log = log_in(circle, author, published_at=at(20))
    with time_machine.travel(NOW, tick=False):
        response = ResponseFactory(log=log, author=peer)
        ResponseNotification.objects.create(
            response=response, recipient=author, status=DeliveryStatus.SENDING, claim_token="x"
        )
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        assert response_emails_sweep() == 0  # the claim may still be in a worker's hands
    with time_machine.travel(NOW + dt.timedelta(minutes=40), tick=False):
        assert response_emails_sweep() == 1
    assert [m.to for m in mail.outbox] == [[author.email]]


def test_a_sweep_killed_after_k_emails_repeats_none_of_them(circle, settings):
    """The worker dies sending the second of three authors' emails: the first is on record
    as sent; the next sweeps send the third, and the one in flight once its claim is stale."""
    from collections import Counter

    from tests.notifications.mailbackends import DyingBackend, WorkerKilled

    authors = [member_of(circle) for _ in range(3)]
    peer = member_of(circle)
    with time_machine.travel(NOW, tick=False):
        for author in authors:
            ResponseFactory(log=log_in(circle, author, published_at=at(20)), author=peer)
    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.DyingBackend"
    DyingBackend.die_after = 1

    with pytest.raises(WorkerKilled), time_machine.travel(NOW + dt.timedelta(minutes=6)):
        response_emails_sweep()
    assert ResponseNotification.objects.filter(status=DeliveryStatus.SENT).count() == 1

    DyingBackend.die_after = None
    with time_machine.travel(NOW + dt.timedelta(minutes=7), tick=False):
        response_emails_sweep()
    with time_machine.travel(NOW + dt.timedelta(minutes=45), tick=False):
        response_emails_sweep()
    assert Counter(m.to[0] for m in mail.outbox) == Counter({a.email: 1 for a in authors})
