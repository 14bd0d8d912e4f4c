"""Every link in every email's text part is absolute: what members wrote is stored with
relative links (an @mention's ``/people/<id>/``, a Markdown link to a page of the school),
and a plain-text reader has no page for them to be relative to. A bare URL someone pasted
reads once, whole, as she pasted it."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from circles.services.responses import response_create
from commons.models import LessonQuestion
from facilitation import services as moderation
from notifications.models import ModerationNotification, Notification, Verb
from notifications.services.commons import commons_email_send
from notifications.services.digests import digest_send_batch
from notifications.services.mentions import mention_email_send
from notifications.services.moderation import moderation_email_send
from notifications.services.nudges import nudges_send_due
from notifications.services.responses import response_emails_send
from tests.factories import FacilitatorFactory, LessonFactory, ResponseFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db

SITE = "https://school.example.org"
# A path with nothing before it that makes it a URL: "(/people/8/)", " /circles/x/".
RELATIVE = re.compile(r"(?<![\w.:/])/[\w-]+/")
PASTED = (
    "https://nhs.sharepoint.com/sites/WardSeven/Shared%20Documents/Safe%20staffing"
    "/rota-2026.xlsx?d=w1a2b3c4&csf=1&web=1"
)


def named(circle, name: str):
    member = member_of(circle)
    member.profile.display_name = name
    member.profile.save(update_fields=["display_name"])
    return member


def written(nadia, *, guide: bool = True) -> str:
    """Her words with a mention, links and a pasted URL. A digest line is an excerpt (180
    characters): without the guide the pasted URL starts inside it, whatever the ids'
    digits, and comes whole."""
    guide_link = " and the [guide](guide/)" if guide else ""
    return (
        f"Ask @{nadia.profile.display_name} about [our rota](/circles/ward/){guide_link}. "
        f"The file: {PASTED}"
    )


def assert_absolute(body: str, nadia) -> None:
    assert not RELATIVE.findall(body), body
    assert f"@Nadia Ferreira ({SITE}/people/{nadia.pk}/)" in body
    assert f"our rota ({SITE}/circles/ward/)" in body
    assert f"guide ({SITE}/guide/)" in body
    assert body.count(PASTED) == 1, body


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE


def test_the_mention_email_text_part(site, circle):
    nadia, writer, author = named(circle, "Nadia Ferreira"), member_of(circle), member_of(circle)
    log = log_in(circle, author, published_at=at(20))
    response_create(author=writer, log=log, kind="question", body=written(nadia))
    mail.outbox.clear()

    note = Notification.objects.get(verb=Verb.MENTIONED, recipient=nadia)
    assert mention_email_send(notification_id=note.pk) is True

    assert_absolute(mail.outbox[0].body, nadia)


def test_the_responses_email_text_part(site, circle):
    nadia, writer, author = named(circle, "Nadia Ferreira"), member_of(circle), member_of(circle)
    log = log_in(circle, author, published_at=at(20))
    response_create(author=writer, log=log, kind="resource", body=written(nadia))
    mail.outbox.clear()

    response_emails_send(recipient_id=author.pk)

    [message] = [m for m in mail.outbox if m.to == [author.email]]
    assert_absolute(message.body, nadia)


def test_the_digest_text_part(site, circle):
    with time_machine.travel(at(16), tick=False):
        reader, writer = member_of(circle), member_of(circle)
        nadia = named(circle, "Nadia Ferreira")
    with time_machine.travel(at(18), tick=False):
        log_in(circle, writer, published_at=at(18), situation=written(nadia, guide=False))
        own = log_in(circle, reader, published_at=at(17), next_step_due=None)
        ResponseFactory(log=own, author=writer, created_at=at(19), body=written(nadia, guide=False))

    with time_machine.travel(at(23, 7), tick=False):
        digest_send_batch(week=WEEK, member_ids=[reader.pk])

    [message] = mail.outbox
    body = message.body
    assert not RELATIVE.findall(body), body
    # The log waiting for a response and the response to her log, each whole.
    assert body.count(f"@Nadia Ferreira ({SITE}/people/{nadia.pk}/)") == 2
    assert body.count(f"our rota ({SITE}/circles/ward/)") == 2
    assert body.count(PASTED) == 2


def test_the_moderation_email_text_part(site, circle):
    facilitator = FacilitatorFactory(circle=circle, joined_at=at(1)).member
    nadia, writer, author = named(circle, "Nadia Ferreira"), member_of(circle), member_of(circle)
    log = log_in(circle, author, published_at=at(20))
    response = response_create(author=writer, log=log, kind="suggestion", body=written(nadia))
    moderation.content_hide(actor=facilitator, response=response, reason="Off topic")
    mail.outbox.clear()

    assert moderation_email_send(notification_id=ModerationNotification.objects.latest("pk").pk)

    assert_absolute(mail.outbox[0].body, nadia)


def test_the_nudges_text_parts(site, circle):
    nadia, author, peer = named(circle, "Nadia Ferreira"), member_of(circle), member_of(circle)
    due = log_in(
        circle,
        author,
        published_at=at(10),
        next_step=written(nadia),
        next_step_due=dt.date(2026, 11, 20),
    )
    ResponseFactory(log=due, author=peer)  # answered: only the peer's log awaits a response
    log_in(circle, peer, published_at=at(19), situation=written(nadia), ask="Ideas?")

    with time_machine.travel(at(23, 10), tick=False):
        nudges_send_due()

    commitment = next(m for m in mail.outbox if m.to == [author.email])
    assert_absolute(commitment.body, nadia)
    unanswered = next(m for m in mail.outbox if f"by {peer.display_name} has waited" in m.body)
    assert_absolute(unanswered.body, nadia)


def test_the_commons_question_text_part(site, circle):
    nadia, author = named(circle, "Nadia Ferreira"), member_of(circle)
    lesson = LessonFactory(author=author)
    question = LessonQuestion(lesson=lesson, asker=member_of(circle), body=written(nadia))
    question.save()

    assert commons_email_send(event="question", pk=question.pk) == 1

    body = mail.outbox[0].body
    assert not RELATIVE.findall(body), body
    assert f"our rota ({SITE}/circles/ward/)" in body and body.count(PASTED) == 1
