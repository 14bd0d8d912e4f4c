"""Emails show dates and times on the recipient's clock, whoever renders them (a worker,
or a page open in another time zone such as the admin's digest preview)."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from notifications.emails import message_build
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).parent / "templates"  # emails/clock: prints ``sent_at``


@pytest.fixture
def clock_template(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [TEMPLATES, *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_an_email_is_dated_on_the_recipients_clock(clock_template):
    member = UserFactory()
    member.profile.time_zone = "America/New_York"
    member.profile.save()
    sent_at = dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)  # Monday 21:30 in New York

    with timezone.override("Asia/Tokyo"):  # whatever zone the renderer happens to be in
        message = message_build(
            template="clock",
            context={"member": member, "sent_at": sent_at},
            to=member.email,
            member_id=member.pk,
            email_type=None,
        )

    assert message.subject == "Sent 23 Nov, 21:30"
    assert "Sent 23 Nov 2026, 21:30." in message.body
    assert "<time>23 Nov 2026, 21:30</time>" in message.alternatives[0][0]
