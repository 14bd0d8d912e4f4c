"""Emails look like the site: its typeface and its colours, in a table layout that email
clients render, with a text part that reads well in a plain-text client."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from facilitation import services as moderation
from notifications.services.digests import digest_send_batch
from notifications.services.moderation import moderation_email_send
from notifications.services.nudges import nudges_send_due
from notifications.services.responses import response_emails_send
from tests.factories import FacilitatorFactory, ResponseFactory, UserFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "school.css").read_text()
HEX = re.compile(r"#[0-9a-fA-F]{3,6}\b")


def site_palette() -> set[str]:
    root = CSS[CSS.index(":root") : CSS.index("}", CSS.index(":root"))]
    return {c.lower() for c in HEX.findall(root)} | {"#fff", "#ffffff"}


def site_font() -> str:
    body = re.search(r"body\s*\{[^}]*font-family:\s*([^;]+);", CSS)
    return body.group(1).replace('"', "'").strip()


def font_stacks(html: str) -> set[str]:
    return {f.strip().rstrip(";") for f in re.findall(r"font-family:([^;\"]+)", html)}


@pytest.fixture
def every_kind(frozen, circle):
    """One of each email: digest, responses, nudges, moderation."""
    facilitator = FacilitatorFactory(circle=circle, joined_at=at(1)).member
    reader, writer = member_of(circle), member_of(circle)
    log = log_in(circle, writer, published_at=at(19), title="Board")
    ResponseFactory(log=log, author=reader, created_at=at(20))
    log_in(circle, writer, published_at=at(20), title="Waiting")
    own = log_in(circle, reader, published_at=at(18), next_step_due=dt.date(2026, 11, 20))
    ResponseFactory(log=own, author=writer, created_at=dt.datetime.now(tz=dt.UTC))
    moderation.content_hide(actor=facilitator, log=log, reason="Names a patient")
    digest_send_batch(week=WEEK, member_ids=[reader.pk, writer.pk, facilitator.pk])
    response_emails_send(recipient_id=reader.pk)
    from notifications.models import ModerationNotification

    moderation_email_send(notification_id=ModerationNotification.objects.latest("pk").pk)
    with time_machine.travel(at(23, 10), tick=False):
        nudges_send_due()
    return list(mail.outbox)


def test_every_email_uses_the_sites_typeface_and_colours(every_kind):
    kinds = {m.extra_headers.get("List-Unsubscribe", "")[:60] for m in every_kind}
    assert len(every_kind) >= 5 and kinds
    palette, font = site_palette(), site_font()
    for message in every_kind:
        html = message.alternatives[0][0]
        where = message.subject
        assert "Georgia" not in html and "serif;" not in html.replace("sans-serif;", ""), where
        assert font_stacks(html) == {font}, where
        assert {c.lower() for c in HEX.findall(html)} <= palette, where
        # The header is the site's: its brand colour behind the school's name.
        assert "background:#1f5f5b" in html, where
        # Still a table layout, one column of at most 600px.
        assert 'role="presentation"' in html and "max-width:600px" in html, where


def test_every_text_part_reads_well_in_a_plain_text_client(every_kind):
    for message in every_kind:
        body = message.body
        assert not re.search(r"<(p|a|table|div|strong|br)\b", body), message.subject
        assert "&amp;" not in body and "&nbsp;" not in body, message.subject
        assert max(len(line) for line in body.splitlines() if "http" not in line) <= 240
        assert "http://testserver/me/preferences/" in body  # the footer's links, in full


def test_account_emails_use_the_sites_typeface_and_colours(client, tasks_run_at_once):
    member = UserFactory()
    client.post(reverse("account_reset_password"), {"email": member.email})
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert font_stacks(html) == {site_font()}
    assert {c.lower() for c in HEX.findall(html)} <= site_palette()
