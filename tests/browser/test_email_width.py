"""Every email reads on a phone: a 250-character URL or a long unbroken word someone
wrote wraps, and the message never grows wider than the screen (375px, and 320px)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from circles.services.responses import response_create
from facilitation import services as moderation
from notifications.models import ModerationNotification, Notification, Verb
from notifications.services.digests import digest_send_batch
from notifications.services.mentions import mention_email_send
from notifications.services.moderation import moderation_email_send
from notifications.services.responses import response_emails_send
from tests.browser.helpers import assert_no_horizontal_scroll, save_screenshots
from tests.factories import FacilitatorFactory, ResponseFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_URL = "https://nhs.sharepoint.com/sites/WardSeven/Shared%20Documents/" + "x" * 190
LONG_WORD = "Supercalifragilisticexpialidocious" * 4
WRITTEN = f"The rota is at {LONG_URL} and {LONG_WORD}.\n\n```\n{LONG_WORD} {LONG_WORD}\n```"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    yield context.new_page()
    context.close()


def emails_with_long_text(circle):
    """The emails that carry ``WRITTEN``: the mention, the responses, the moderation and
    the digest emails, those that are owed."""
    with time_machine.travel(at(16), tick=False):
        grace, author, peer = member_of(circle), member_of(circle), member_of(circle)
        facilitator = FacilitatorFactory(circle=circle, joined_at=at(1)).member
        grace.profile.display_name = "Grace Okafor"
        grace.profile.save(update_fields=["display_name"])
    with time_machine.travel(at(18), tick=False):
        log = log_in(circle, author, published_at=at(18), title=LONG_WORD, situation=WRITTEN)
        response = response_create(
            author=peer, log=log, kind="resource", body=f"@Grace Okafor {WRITTEN}"
        )
        ResponseFactory(log=log_in(circle, grace, published_at=at(17)), author=peer, body=WRITTEN)
    mail.outbox.clear()
    mention_email_send(
        notification_id=Notification.objects.get(verb=Verb.MENTIONED, recipient=grace).pk
    )
    response_emails_send(recipient_id=author.pk)
    moderation.content_hide(actor=facilitator, response=response, reason=LONG_WORD)
    moderation_email_send(notification_id=ModerationNotification.objects.latest("pk").pk)
    with time_machine.travel(dt.datetime(2026, 11, 23, 7, tzinfo=at(1).tzinfo), tick=False):
        digest_send_batch(week=WEEK, member_ids=[grace.pk])
    return list(mail.outbox)


def test_long_urls_and_words_wrap_in_every_email_on_a_phone(phone):
    from tests.factories import CircleFactory

    messages = emails_with_long_text(CircleFactory(name="Ward managers North"))

    assert len(messages) >= 3
    for number, message in enumerate(messages):
        html = message.alternatives[0][0]
        assert LONG_URL in html, message.subject
        phone.set_content(html)
        assert_no_horizontal_scroll(phone, width=375)
        assert_no_horizontal_scroll(phone, width=320)
        save_screenshots(phone, f"email-long-url-{number}")
