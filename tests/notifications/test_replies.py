"""Replies reach people the way responses do: in the "someone responded" email and the
weekly digest, to the log's author and to the author of the response replied to, never
to the one who wrote them, and never when hidden or under hidden words."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from circles.models import Response
from notifications.models import ResponseNotification
from notifications.selectors import digest_contents
from notifications.services.digests import digest_send_batch
from notifications.services.responses import response_emails_send, response_emails_sweep
from tests.factories import ResponseFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db

NOW = at(23, 10)
LATER = NOW + dt.timedelta(minutes=10)
ANSWER = "Nights liked it: they left on time four days out of five."


def reply(response, author, body=ANSWER, **kwargs):
    return ResponseFactory(
        log=response.log, parent=response, author=author, kind="reply", body=body, **kwargs
    )


def to(member):
    return [m for m in mail.outbox if m.to == [member.email]]


@pytest.fixture
def thread(circle):
    """Asha's log, Ben's question on it, and Carla who is also in the circle."""
    asha, ben, carla = member_of(circle), member_of(circle), member_of(circle)
    log = log_in(circle, asha, published_at=at(20), title="Handover huddle")
    with time_machine.travel(at(20, 15), tick=False):
        question = ResponseFactory(log=log, author=ben, body="What did nights think?")
    ResponseNotification.objects.create(
        response=question, recipient=asha, status="sent", sent_at=at(20, 16)
    )
    return asha, ben, carla, log, question


def test_the_authors_answer_is_emailed_to_the_one_who_asked(thread):
    asha, ben, carla, log, question = thread
    with time_machine.travel(NOW, tick=False):
        answer = reply(question, asha)

    with time_machine.travel(LATER, tick=False):
        assert response_emails_send(recipient_id=asha.pk) == 0  # her own words
        assert response_emails_send(recipient_id=ben.pk) == 1

    [message] = to(ben)
    assert message.subject == f'{asha.display_name} replied on "Handover huddle"'
    for text in (message.body, message.alternatives[0][0]):
        assert ANSWER in text and "replied to your response" in text
        assert f"/logs/{log.pk}/#response-{answer.pk}" in text
        assert "Someone replied to you" in text and "responded to your log" not in text
    assert to(asha) == []


def test_a_peers_reply_reaches_the_log_author_and_the_one_replied_to(thread):
    asha, ben, carla, log, question = thread
    with time_machine.travel(NOW, tick=False):
        reply(question, carla, body="We tried the same on ward 4.")

    with time_machine.travel(LATER, tick=False):
        assert response_emails_sweep() == 2
        assert response_emails_sweep() == 0  # nothing twice

    for member in (asha, ben):
        [message] = to(member)
        assert "We tried the same on ward 4." in message.body
    assert to(carla) == []


def test_hidden_replies_and_replies_under_hidden_responses_are_never_emailed(thread):
    asha, ben, carla, log, question = thread
    with time_machine.travel(NOW, tick=False):
        reply(question, carla, body="Rude words", is_hidden=True)
        other = ResponseFactory(log=log, author=carla, is_hidden=True, body="Hidden question")
        reply(other, ben, body="Under hidden words")

    with time_machine.travel(LATER, tick=False):
        assert response_emails_sweep() == 0
        for member in (asha, ben, carla):
            assert response_emails_send(recipient_id=member.pk) == 0
    assert mail.outbox == []


def test_the_digest_tells_the_asker_of_the_answer_and_the_author_of_peer_replies(frozen, thread):
    asha, ben, carla, log, question = thread
    answer = reply(question, asha, created_at=at(21))
    peer_reply = reply(question, carla, body="We tried the same on ward 4.", created_at=at(21))
    other = ResponseFactory(log=log, author=carla, is_hidden=True, created_at=at(21))
    reply(other, ben, body="Under hidden words", created_at=at(22))

    contents = digest_contents(member_ids=[asha.pk, ben.pk, carla.pk], week=WEEK)

    assert answer in contents[ben.pk].responses and peer_reply in contents[ben.pk].responses
    assert answer not in contents[asha.pk].responses
    assert peer_reply in contents[asha.pk].responses
    assert all(r.body != "Under hidden words" for c in contents.values() for r in c.responses)
    for member_id, content in contents.items():
        visible = set(Response.objects.visible_to(content.member).values_list("pk", flat=True))
        assert {r.pk for r in content.responses} <= visible, member_id

    digest_send_batch(week=WEEK, member_ids=[ben.pk])
    [message] = to(ben)
    for text in (message.body, message.alternatives[0][0]):
        assert ANSWER in text and f"#response-{answer.pk}" in text
        assert "Under hidden words" not in text
