"""Hidden content stays out of the weekly digest (``digest_contents``)."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from facilitation import services
from notifications.selectors import digest_contents
from notifications.services.digests import digest_message
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

WEEK = date(2026, 3, 16)  # the digest of Monday 16 March covers 9–15 March
IN_WINDOW = datetime(2026, 3, 11, 10, tzinfo=UTC)


@time_machine.travel(datetime(2026, 3, 16, 7, tzinfo=UTC), tick=False)
def test_hidden_logs_and_responses_are_not_in_the_digest():
    circle = CircleFactory(slug="digest-circle")
    facilitator = FacilitatorFactory(circle=circle).member
    reader = MembershipFactory(circle=circle).member
    writer = MembershipFactory(circle=circle).member

    def log(title, author):
        return ActionLogFactory(
            circle=circle, author=author, title=title, published_at=IN_WINDOW, created_at=IN_WINDOW
        )

    shown = log("Visible rota experiment", writer)
    hidden = log("Hidden story naming a patient", writer)
    mine = log("The reader's own log", reader)
    ResponseFactory(log=mine, author=writer, body="A kind question", created_at=IN_WINDOW)
    unkind = ResponseFactory(log=mine, author=writer, body="An unkind remark", created_at=IN_WINDOW)
    ResponseFactory(log=shown, author=reader, created_at=IN_WINDOW)  # so "shown" is not waiting
    services.content_hide(actor=facilitator, log=hidden, reason="Names a patient")
    services.content_hide(actor=facilitator, response=unkind, reason="Unkind")

    content = digest_contents(member_ids=[reader.pk], week=WEEK)[reader.pk]
    titles = [lg.title for lg in content.new_logs + content.waiting_logs]
    assert "Visible rota experiment" in titles
    assert "Hidden story naming a patient" not in titles
    bodies = [r.body for r in content.responses]
    assert bodies == ["A kind question"]
    message = digest_message(content=content)
    html = message.alternatives[0][0] if message.alternatives else ""
    for text in (message.body, html):
        assert "Visible rota experiment" in text
        assert "Hidden story naming a patient" not in text
        assert "An unkind remark" not in text
