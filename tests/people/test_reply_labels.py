"""A reply reads as a reply, not as a response: on the log author's notifications page
and in the email about it, naming whose response it answers."""

import pytest
from django.core import mail
from django.urls import reverse

from circles.services.responses import reply_create, response_create
from notifications.services.responses import response_emails_send

pytestmark = pytest.mark.django_db


def _page(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("inbox:list")).content.decode()


def _email_to(user):
    mail.outbox.clear()
    response_emails_send(recipient_id=user.pk)
    (email,) = [m for m in mail.outbox if m.to == [user.email]]
    ((html, _),) = email.alternatives
    return email, html


def test_a_reply_under_her_own_response_reads_as_a_reply_to_the_log_author(client, people):
    response = response_create(author=people.member, log=people.log, kind="question", body="Q?")
    _email_to(people.author)
    reply_create(author=people.member, response=response, body="And nights?")
    page = _page(client, people.author)
    assert "Bea Member replied to their own response on your log “Handover huddle”" in page
    assert "Bea Member responded to your log" in page  # the response itself, once
    assert page.count("responded to your log") == 1
    email, html = _email_to(people.author)
    assert "Someone replied on your log" in email.body and "responded" not in email.body
    assert "Bea Member replied to their own response: And nights?" in email.body
    assert "Someone replied on your log" in html and "responded" not in html
    assert email.subject == 'Bea Member replied on "Handover huddle"'


def test_a_reply_to_a_peers_response_names_whose_it_answers(client, people):
    response = response_create(author=people.member, log=people.log, kind="question", body="Q?")
    reply_create(author=people.facilitator, response=response, body="A board?")
    page = _page(client, people.author)
    assert "Grace Facilitator replied to Bea Member’s response on your log" in page
    email, html = _email_to(people.author)
    assert "Grace Facilitator replied to Bea Member’s response: A board?" in email.body
    assert "replied to Bea Member’s response" in html
    assert "responses and replies" in email.subject


def test_the_replied_to_responder_reads_a_reply_to_her_response(client, people):
    response = response_create(author=people.member, log=people.log, kind="question", body="Q?")
    reply_create(author=people.author, response=response, body="Nights agreed.")
    page = _page(client, people.member)
    assert "Asha Author replied to your response on “Handover huddle”" in page
    email, html = _email_to(people.member)
    assert "Someone replied to you" in email.body
    assert "Asha Author replied to your response: Nights agreed." in email.body
