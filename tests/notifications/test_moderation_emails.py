"""A facilitator hides or restores a log or a response: its author is told by email, with
the reason, once, unless they turned emails about their logs off."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from facilitation import services as moderation
from facilitation.models import ModerationAction, ModerationVerb
from notifications.models import DeliveryStatus, ModerationNotification
from notifications.services.moderation import (
    moderation_email_send,
    moderation_emails_sweep,
)
from notifications.tasks import moderation_email_send_task
from tests.factories import FacilitatorFactory, ResponseFactory
from tests.notifications.conftest import at, log_in, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    """Record what is published instead of talking to a broker."""
    calls = []
    monkeypatch.setattr(moderation_email_send_task, "apply_async", lambda **kw: calls.append(kw))
    return calls


@pytest.fixture
def world(circle):
    facilitator = FacilitatorFactory(circle=circle, joined_at=at(1)).member
    author = member_of(circle)
    author.profile.display_name = "Nadia Ward"
    author.profile.save()
    log = log_in(circle, author, published_at=at(20), title="Night handover")
    return circle, facilitator, author, log


def decided():
    """The decision just recorded for its author's email."""
    return ModerationNotification.objects.latest("pk")


def deliver(published):
    """Run what was published, as the worker would."""
    for call in published:
        moderation_email_send_task(*call["args"])
    published.clear()


def test_hiding_a_log_through_the_queue_emails_its_author_the_reason(
    client, world, published, django_capture_on_commit_callbacks
):
    circle, facilitator, author, log = world
    client.force_login(facilitator)
    url = reverse("facilitation:log_hide", kwargs={"slug": circle.slug, "pk": log.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "It names a patient."})
    assert len(published) == 1 and mail.outbox == []  # sent by the worker, not the page
    deliver(published)

    [message] = mail.outbox
    assert message.to == [author.email]
    assert message.subject == "A facilitator hid your log “Night handover”"
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Nadia Ward" in part and circle.name in part
        assert "It names a patient." in part and "patient.." not in part
        assert log.get_absolute_url() in part
    assert "Only you and the circle's facilitators can see it" in message.body
    assert ModerationNotification.objects.get().status == DeliveryStatus.SENT

    # Restoring it tells her too.
    restore = reverse("facilitation:log_restore", kwargs={"slug": circle.slug, "pk": log.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(restore)
    deliver(published)
    restored = mail.outbox[1]
    assert restored.subject == "A facilitator restored your log “Night handover”"
    assert "Members of the circle can see it again." in restored.body


def test_hiding_a_response_emails_the_responses_author(world, published):
    circle, facilitator, author, log = world
    peer = member_of(circle)
    response = ResponseFactory(log=log, author=peer, body="You **should** have known.")
    moderation.content_hide(actor=facilitator, response=response, reason="Unkind")
    moderation_email_send(notification_id=decided().pk)
    [message] = mail.outbox
    assert message.to == [peer.email]
    assert message.subject == "A facilitator hid your response to “Night handover”"
    assert "Unkind." in message.body and "You should have known." in message.body
    assert f"#response-{response.pk}" in message.body


def test_hiding_a_reply_emails_the_replys_author_and_marks_it_hidden(client, world):
    circle, facilitator, author, log = world
    peer = member_of(circle)
    question = ResponseFactory(log=log, author=peer, body="Who leads the huddle?")
    reply = ResponseFactory(log=log, parent=question, author=author, kind="reply", body="Me.")
    moderation.content_hide(actor=facilitator, response=reply, reason="Names a patient.")
    moderation_email_send(notification_id=decided().pk)
    [message] = mail.outbox
    assert message.to == [author.email]
    assert message.subject == "A facilitator hid your reply to “Night handover”"
    client.force_login(author)
    page = client.get(log.get_absolute_url()).content.decode()
    assert "Hidden by a facilitator: Names a patient. Only its author" in page


def test_each_decision_is_emailed_once_and_never_against_a_preference(world):
    circle, facilitator, author, log = world
    moderation.content_hide(actor=facilitator, log=log, reason="Off topic")
    notification = decided()
    assert moderation_email_send(notification_id=notification.pk) is True
    assert moderation_email_send(notification_id=notification.pk) is False  # sends nothing
    assert len(mail.outbox) == 1

    author.profile.response_emails_enabled = False
    author.profile.save()
    moderation.content_restore(actor=facilitator, log=log)
    restore = decided()
    assert moderation_email_send(notification_id=restore.pk) is False
    assert len(mail.outbox) == 1
    restore.refresh_from_db()
    assert restore.status == DeliveryStatus.SKIPPED

    # A facilitator who hides her own log is not told what she did.
    own = log_in(circle, facilitator, published_at=at(21))
    moderation.content_hide(actor=facilitator, log=own, reason="Posted twice")
    assert decided() == restore
    # Pinning is not news for the author.
    moderation.log_flag_set(actor=facilitator, log=log, flag="pin")
    assert ModerationAction.objects.latest("pk").verb == ModerationVerb.PIN
    assert decided() == restore
    assert len(mail.outbox) == 1


def test_a_decision_whose_task_was_lost_is_emailed_by_the_sweep(world, settings):
    circle, facilitator, author, log = world
    moderation.content_hide(actor=facilitator, log=log, reason="Names a patient")
    notification = decided()
    assert moderation_emails_sweep(now=notification.decided_at) == 0  # its task may come
    later = notification.decided_at + dt.timedelta(minutes=10)
    assert moderation_emails_sweep(now=later) == 1
    assert moderation_emails_sweep(now=later) == 0
    assert [m.to for m in mail.outbox] == [[author.email]]


def test_the_hidden_banner_ends_the_reason_with_one_full_stop(client, world):
    circle, facilitator, author, log = world
    moderation.content_hide(actor=facilitator, log=log, reason="It names a patient.")
    client.force_login(author)
    page = client.get(log.get_absolute_url()).content.decode()
    assert "A facilitator has hidden this log: It names a patient. Only its author" in page
    assert "patient.." not in page
