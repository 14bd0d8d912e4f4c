"""The mention email quotes where she was mentioned (the paragraph of the log's field or
of the response that holds the mention, its sentence when the paragraph is long), in the
text and the HTML part, and unsubscribes from mention emails alone."""

import pytest
from django.core import mail
from django.test import Client

from circles.services.logs import log_create
from circles.services.responses import response_create
from members.models import Profile
from notifications.models import Notification, Verb
from notifications.services.mentions import mention_email_send

pytestmark = pytest.mark.django_db

SITUATION = "Our discharges bunch after 4pm and the ward fills before the night shift."


def _mail_for(user):
    note = Notification.objects.get(verb=Verb.MENTIONED, recipient=user)
    mail.outbox.clear()
    assert mention_email_send(notification_id=note.pk) is True
    (email,) = mail.outbox
    ((html, _),) = email.alternatives
    return email, html


def _publish(people, **fields):
    data = {"title": "Discharge timing", "situation": SITUATION, "action": "Tried it.", **fields}
    log_create(author=people.author, circle=people.circle, data=data, tags=[], publish=True)


def test_a_mention_in_the_action_field_quotes_that_paragraph(people):
    action = (
        "Moved the board round to 11am.\n\n"
        "Then I raised it at the huddle and asked @Bea Member to look at it."
    )
    _publish(people, action=action)
    email, html = _mail_for(people.member)
    assert "under Action" in email.body and "under Action" in html
    assert "asked @Bea Member" in email.body and "to look at it" in email.body
    assert "asked <a" in html and "to look at it" in html
    for part in (email.body, html):
        assert "discharges bunch" not in part  # the situation is not what mentioned her
        assert "board round" not in part  # nor the action's other paragraph


def test_a_mention_in_a_long_paragraph_quotes_its_sentence(people):
    filler = "We counted every bed and every porter, ward by ward and hour by hour. " * 12
    _publish(people, outcome=filler + "Only @Bea Member knew why. " + filler)
    email, html = _mail_for(people.member)
    assert "under Outcome" in email.body
    assert "Only @Bea Member" in email.body and "knew why." in email.body
    assert "Only @Bea Member" in html and "knew why." in html
    assert email.body.count("We counted every bed") <= 1
    assert html.count("We counted every bed") <= 1


def test_a_mention_in_a_response_quotes_its_paragraph(people):
    response_create(
        author=people.member,
        log=people.log,
        kind="question",
        body="Nights said handover ran late.\n\n@Grace Facilitator, could we try a board?",
    )
    email, html = _mail_for(people.facilitator)
    assert "in a response to" in email.body
    assert "could we try a board?" in email.body and "could we try a board?" in html
    assert "Nights said" not in email.body and "Nights said" not in html


def test_the_mention_email_unsubscribes_from_mention_emails_only(people):
    _publish(people, action="Asked @Bea Member to look at it.")
    email, html = _mail_for(people.member)
    assert "Unsubscribe from emails when someone mentions you" in email.body
    assert "Unsubscribe from emails when someone mentions you" in html
    assert "logs and responses" not in email.body and "logs and responses" not in html
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert page.status_code == 200
    profile = Profile.objects.get(user=people.member)
    assert profile.mention_emails_enabled is False
    assert profile.response_emails_enabled is True  # responses to her logs still come
    _publish(people, title="Another", action="Asked @Bea Member again.")
    notes = Notification.objects.filter(verb=Verb.MENTIONED, recipient=people.member)
    assert mention_email_send(notification_id=notes.latest("pk").pk) is False


def test_a_mention_in_a_list_quotes_its_item_as_a_paragraph(people):
    _publish(people, ask="- a second pair of eyes\n- @Bea Member, your discharge data")
    email, html = _mail_for(people.member)
    assert "under Ask" in email.body
    assert '"@Bea Member' in email.body and "second pair" not in email.body
    assert "<li>" not in html and "your discharge data</p></blockquote>" in html
