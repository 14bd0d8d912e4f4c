"""What members write in Markdown reads right in every email: the HTML part shows the same
sanitised HTML as the site, the text part plain prose with links as ``text (url)``."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from notifications.services.digests import digest_send_batch
from notifications.services.nudges import nudges_send_due
from notifications.services.responses import response_emails_send
from tests.factories import ResponseFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db

SOURCE = (
    "We went **off the ward** to the [huddle board](https://example.org/board) "
    "and _asked_ `everyone`."
)
PROSE = "We went off the ward to the huddle board (https://example.org/board) and asked everyone."
HTML = (
    '<strong>off the ward</strong> to the <a href="https://example.org/board" '
    'rel="nofollow noopener">huddle board</a> and <em>asked</em> <code>everyone</code>.'
)
MARKUP = ("**", "](", "_asked_", "`")


def assert_reads_right(message):
    where = message.subject
    html = message.alternatives[0][0]
    assert HTML in html, where
    assert PROSE in message.body, where
    for mark in MARKUP:
        assert mark not in message.body, (where, mark)
        assert mark not in html, (where, mark)


def test_html_to_text_reads_as_prose_with_links_and_lists():
    from circles.text import html_to_text

    html = (
        "<p>First <strong>bold</strong> and <a href='https://x.org/a'>a link</a>.</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<p>Tom &amp; Jerry <a href='https://x.org'>"
        "https://x.org</a></p>"
    )
    assert html_to_text(html) == (
        "First bold and a link (https://x.org/a).\n\n- one\n- two\n\nTom & Jerry https://x.org"
    )


def test_digest_shows_logs_and_responses_as_sanitised_html_and_plain_prose(frozen, circle):
    reader, writer = member_of(circle), member_of(circle)
    log_in(circle, writer, published_at=at(18), situation=SOURCE)  # waiting for a response
    answered = log_in(circle, writer, published_at=at(19), situation=SOURCE)
    ResponseFactory(log=answered, author=member_of(circle), created_at=at(20))
    own = log_in(circle, reader, published_at=at(17), next_step_due=None)
    ResponseFactory(log=own, author=writer, created_at=at(21), body=SOURCE)
    log_in(
        circle, reader, published_at=at(10), next_step=SOURCE, next_step_due=dt.date(2026, 11, 25)
    )

    digest_send_batch(week=WEEK, member_ids=[reader.pk])

    [message] = mail.outbox
    assert_reads_right(message)
    html = message.alternatives[0][0]
    # New log, waiting log, response and commitment: each as the site shows it.
    assert html.count(HTML) == 4
    assert message.body.count(PROSE) == 4


def test_response_email_shows_the_response_as_sanitised_html_and_plain_prose(circle):
    author, peer = member_of(circle), member_of(circle)
    log = log_in(circle, author, published_at=at(20))
    ResponseFactory(log=log, author=peer, body=SOURCE)

    response_emails_send(recipient_id=author.pk)

    [message] = mail.outbox
    assert_reads_right(message)


def test_nudges_show_next_steps_and_logs_as_sanitised_html_and_plain_prose(circle):
    author, peer, _asked = member_of(circle), member_of(circle), member_of(circle)
    due = log_in(
        circle, author, published_at=at(10), next_step=SOURCE, next_step_due=dt.date(2026, 11, 20)
    )
    ResponseFactory(log=due, author=peer)  # answered: only the peer's log awaits a response
    log_in(circle, peer, published_at=at(19), situation=SOURCE, ask=SOURCE)

    with time_machine.travel(at(23, 10), tick=False):
        nudges_send_due()

    commitment = next(m for m in mail.outbox if m.to == [author.email])
    assert_reads_right(commitment)
    unanswered = next(m for m in mail.outbox if "would value your response" in m.subject)
    assert_reads_right(unanswered)
