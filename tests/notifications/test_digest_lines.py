"""A log's line in the digest is rendered once and shared: by every recipient of a batch,
and through the cache by the batches after it — until the log changes or is hidden."""

import pytest
from django.core import mail

from facilitation.services import content_hide
from notifications.services.digests import digest_send_batch
from tests.factories import FacilitatorFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db


def send(*members):
    return digest_send_batch(week=WEEK, member_ids=[m.pk for m in members])


def html_to(member):
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    return message.alternatives[0][0], message.body


def _line_renders(monkeypatch):
    """Count renders of a log's line."""
    from notifications.services import digests

    seen = []
    real = digests.render_to_string

    def counting(name, context=None, *args, **kwargs):
        if name.startswith("emails/digest/_log."):
            seen.append(name)
        return real(name, context, *args, **kwargs)

    monkeypatch.setattr(digests, "render_to_string", counting)
    return seen


def test_a_logs_line_is_rendered_once_for_a_batch_and_reused_by_later_batches(
    frozen, circle, monkeypatch
):
    writer = member_of(circle)
    readers = [member_of(circle) for _ in range(3)]
    log_in(circle, writer, published_at=at(18), title="Handover huddle")
    renders = _line_renders(monkeypatch)
    assert send(*readers[:2]).sent == 2
    assert renders == ["emails/digest/_log.html", "emails/digest/_log.txt"]
    assert send(readers[2]).sent == 1
    assert len(renders) == 2  # the third reader's line came from the cache
    for reader in readers:
        html, text = html_to(reader)
        assert "Handover huddle" in html and "Handover huddle" in text


def test_a_changed_log_gets_a_fresh_line_and_a_hidden_one_none(frozen, circle):
    writer = member_of(circle)
    first, second, third = (member_of(circle) for _ in range(3))
    facilitator = FacilitatorFactory(circle=circle).member
    log = log_in(circle, writer, published_at=at(18), title="Handover huddle")
    send(first)
    assert "Handover huddle" in html_to(first)[0]

    log.title = "Handover huddle, second try"
    log.save()
    send(second)
    html, text = html_to(second)
    assert "second try" in html and "second try" in text

    content_hide(actor=facilitator, log=log, reason="Names a patient")
    result = send(third)
    assert result.sent == 0 and result.skipped == 1
