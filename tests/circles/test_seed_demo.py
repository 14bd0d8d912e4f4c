"""`manage.py seed_demo` builds the demo school once: running it twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from circles.models import ActionLog, Circle, Invite, LogState, Membership, Response
from circles.selectors import dashboard_for
from members.models import User

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Circle, Membership, ActionLog, Response, Invite)
    } | {
        "tags": ActionLog.tags.through.objects.count(),
        "published": ActionLog.objects.filter(state=LogState.PUBLISHED).count(),
    }


def test_seed_demo_twice_gives_the_same_rows(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=out)
    assert counts() == first
    assert first["Circle"] == 3 and first["ActionLog"] >= 8 and first["Response"] >= 8
    text = out.getvalue()
    assert "asha@example.org" in text and "demo-passphrase-2026" in text
    assert "/circles/invite/" in text

    circles = {c.slug: c for c in Circle.objects.all()}
    assert {c.join_policy for c in circles.values()} == {"open", "request", "invite"}
    assert circles["city-service-delivery"].entry_question
    # Some follow-ups, some due next steps, some unanswered logs, typed responses, and an
    # author's reply to a question on her log.
    assert ActionLog.objects.filter(follows__isnull=False).exists()
    assert ActionLog.objects.filter(state=LogState.DRAFT).exists()
    assert {r.kind for r in Response.objects.top_level()} == {
        "question", "reflection", "resource", "suggestion"
    }  # fmt: skip
    reply = Response.objects.replies().select_related("parent", "log").get()
    assert reply.author_id == reply.log.author_id and reply.parent.kind == "question"
    tom = User.objects.get(email="tom@example.org")
    ben = User.objects.get(email="ben@example.org")
    assert dashboard_for(user=tom)["waiting"] == []  # all of Asha's logs are answered…
    assert [log.title for log in dashboard_for(user=ben)["commitments"]] == [
        "Missed bin collections: one number for residents",
        "Borrowing the nursing handover for our contact-centre shift change",
    ]
    assert dashboard_for(user=User.objects.get(email="chloe@example.org"))["waiting"]

    # The demo pages render for a demo member.
    client.force_login(User.objects.get(email="asha@example.org"))
    for url in (
        reverse("dashboard"),
        reverse("circles:my_logs"),
        circles["ward-managers-safe-staffing"].get_absolute_url(),
        ActionLog.objects.get(title__startswith="Safety huddle, week three").get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url
