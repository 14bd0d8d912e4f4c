"""One count of a log's responses wherever it is shown: the circle feed, the log's page and
the facilitators' list of logs agree (shown responses), with replies counted apart."""

import re

import pytest
from django.urls import reverse

from circles.services.responses import reply_create, response_create
from facilitation.services import content_hide
from tests.factories import ActionLogFactory, CircleFactory, FacilitatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_feed_the_log_page_and_the_facilitators_list_count_alike(client):
    circle = CircleFactory(slug="riverside")
    facilitator = FacilitatorFactory(circle=circle).member
    author = MembershipFactory(circle=circle).member
    peer = MembershipFactory(circle=circle).member
    log = ActionLogFactory(circle=circle, author=author, title="Handover huddle")
    question = response_create(author=peer, log=log, kind="question", body="Who leads it?")
    response_create(author=facilitator, log=log, kind="reflection", body="Ours runs long too.")
    hidden = response_create(author=peer, log=log, kind="suggestion", body="Stop moaning.")
    content_hide(actor=facilitator, response=hidden, reason="Unkind")
    reply_create(author=author, response=question, body="The nurse in charge.")

    client.force_login(facilitator)
    feed = _text(client.get(reverse("circles:detail", args=[circle.slug])).content.decode())
    page = _text(client.get(log.get_absolute_url()).content.decode())
    listed = _text(client.get(reverse("facilitation:logs", args=[circle.slug])).content.decode())
    assert "2 responses, 1 reply" in feed
    assert "2 responses, 1 reply" in listed
    assert "Responses (2)" in page and "Reply to them: 1" in page
