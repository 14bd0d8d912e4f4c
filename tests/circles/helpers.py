"""Helpers the circles tests share: who may visit (``WHO``, the names of ``World``'s
people), signing in, what an action could change, and a log form's data. The ``world``
fixture itself is in conftest.py."""

import datetime

from django.urls import reverse

from circles.models import ActionLog, Invite, Membership, Response
from facilitation.models import ModerationAction

WHO = [
    "anonymous",
    "non_member",
    "pending",
    "member",
    "author",
    "other_facilitator",
    "facilitator",
    "staff",
]


def sign_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


def db_state():
    """Everything a log or response action could change."""
    return (
        sorted(
            ActionLog.objects.values_list(
                "pk", "title", "situation", "state", "published_at", "edited_at", "follows_id"
            )
        ),
        sorted(
            Response.objects.values_list("pk", "log_id", "kind", "body", "edited_at", "helpful_at")
        ),
        sorted(ActionLog.tags.through.objects.values_list("object_id", "tag_id")),
    )


def membership_db_state():
    """Everything a membership or invite action could change."""
    return (
        sorted(
            Membership.objects.values_list(
                "pk", "member_id", "circle_id", "kind", "state", "entry_answer"
            )
        ),
        sorted(ModerationAction.objects.values_list("pk", "verb", "target_member_id")),
        sorted(Invite.objects.values_list("pk", "revoked_at", "uses", "expires_at")),
    )


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def log_post_data(**overrides) -> dict:
    data = {
        "title": "Safer staffing huddle",
        "situation": "Nights are short of two nurses most weeks.",
        "action": "A 10-minute huddle at 19:30 to rebalance the ward.",
        "prediction": "Fewer missed observations.",
        "outcome": "",
        "insight": "",
        "next_step": "Try it for two weeks and count missed observations.",
        "next_step_due": (datetime.date.today() + datetime.timedelta(days=14)).isoformat(),
        "ask": "Has anyone measured this?",
        "tags": "staffing, nights",
        "follows": "",
    }
    data.update(overrides)
    return data
