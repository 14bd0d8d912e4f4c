"""Every page and action of the memberships part, for each kind of visitor: anonymous,
signed-in non-member, pending member, member, facilitator of another circle, facilitator
and staff. Allowed where they should be; refused with no change where they should not."""

import pytest
from django.urls import reverse

from circles.models import Invite, Membership
from tests.circles.conftest import world_build
from tests.circles.helpers import membership_db_state

pytestmark = pytest.mark.django_db

VISITORS = [
    "anonymous",
    "non_member",
    "pending",
    "member",
    "other_facilitator",
    "facilitator",
    "staff",
]


def world_for(policy):
    return world_build(
        name="Ward managers",
        slug="ward",
        policy=policy,
        entry_question="Which ward?" if policy == "request" else "",
        entry_answer="Ward 7",
        capacity=12,
        logs=False,
    )


def as_visitor(client, w, who):
    user = w.user(who)
    if user is not None:
        client.force_login(user)
    return user


def state_of(w, user):
    row = Membership.objects.filter(member=user, circle=w.circle).first()
    return row.state if row else None


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("who", VISITORS)
def test_directory_and_public_page_are_open_to_everyone(client, who):
    w = world_for("open")
    as_visitor(client, w, who)
    assert client.get(reverse("circles:directory")).status_code == 200
    response = client.get(w.circle.get_absolute_url())
    assert response.status_code == 200
    assert "Ward managers" in response.content.decode()
    shows_feed = who in ("member", "facilitator", "staff")
    assert bool(response.context.get("show_feed")) == shows_feed
    assert ("Requests to join" in response.content.decode()) == (who in ("facilitator", "staff"))


# What joining an open circle does for each visitor: the membership state after.
JOIN_OPEN = {
    "non_member": "active",
    "pending": "active",
    "member": "active",
    "other_facilitator": "active",
    "facilitator": "active",
    "staff": "active",
}


@pytest.mark.parametrize("who", VISITORS)
def test_join_open_circle(client, who):
    w = world_for("open")
    user = as_visitor(client, w, who)
    before = membership_db_state()
    response = client.post(reverse("circles:join", args=["ward"]))
    if user is None:
        assert_login_redirect(response)
        assert membership_db_state() == before
        return
    assert response.status_code == 302 and response.url == w.circle.get_absolute_url()
    assert state_of(w, user) == JOIN_OPEN[who]
    if who in ("member", "facilitator"):
        assert membership_db_state() == before
    assert Membership.objects.filter(member=user, circle=w.circle).count() == 1


@pytest.mark.parametrize("who", VISITORS)
def test_join_request_circle_is_refused_for_everyone(client, who):
    w = world_for("request")
    as_visitor(client, w, who)
    before = membership_db_state()
    response = client.post(reverse("circles:join", args=["ward"]))
    assert response.status_code == 302
    assert membership_db_state() == before


# The membership state after asking to join a request circle with an answer.
REQUEST = {
    "non_member": "pending",
    "pending": "pending",
    "member": "active",
    "other_facilitator": "pending",
    "facilitator": "active",
    "staff": "pending",
}


@pytest.mark.parametrize("who", VISITORS)
def test_request_to_join(client, who):
    w = world_for("request")
    user = as_visitor(client, w, who)
    url = reverse("circles:request", args=["ward"])
    before = membership_db_state()
    if user is None:
        assert_login_redirect(client.get(url))
        assert_login_redirect(client.post(url, {"answer": "Ward 9"}))
        assert membership_db_state() == before
        return
    page = client.get(url)
    if who in ("member", "facilitator"):
        assert page.status_code == 302  # back to the circle: already a member
        client.post(url, {"answer": "Ward 9"})
        assert membership_db_state() == before
        return
    assert page.status_code == 200 and "Which ward?" in page.content.decode()
    response = client.post(url, {"answer": "Ward 9"})
    assert response.status_code == 302
    assert state_of(w, user) == REQUEST[who]
    assert Membership.objects.get(member=user, circle=w.circle).entry_answer == "Ward 9"


# After leaving: the new state, or None where leaving is refused and nothing changes.
LEAVE = {
    "non_member": None,
    "pending": "left",
    "member": "left",
    "other_facilitator": None,
    "facilitator": None,  # the only facilitator of a circle with members
    "staff": None,
}


@pytest.mark.parametrize("who", VISITORS)
def test_leave(client, who):
    w = world_for("open")
    user = as_visitor(client, w, who)
    before = membership_db_state()
    response = client.post(reverse("circles:leave", args=["ward"]))
    if user is None:
        assert_login_redirect(response)
        assert membership_db_state() == before
        return
    assert response.status_code == 302
    if LEAVE[who] is None:
        assert membership_db_state() == before
    else:
        assert state_of(w, user) == LEAVE[who]


# Facilitator-only pages and actions: status for each visitor (login = sign-in redirect).
FACILITATOR_ONLY = {
    "anonymous": "login",
    "non_member": 404,
    "pending": 404,
    "member": 403,
    "other_facilitator": 404,
    "facilitator": "ok",
    "staff": "ok",
}


@pytest.mark.parametrize("who", VISITORS)
def test_facilitator_only_pages(client, who):
    w = world_for("request")
    as_visitor(client, w, who)
    invite = Invite.objects.create(
        circle=w.circle, created_by=w.facilitator, expires_at="2100-01-01T00:00:00Z"
    )
    pending = Membership.objects.get(member=w.pending, circle=w.circle)
    requests = [
        ("get", reverse("circles:invites", args=["ward"]), {}),
        ("post", reverse("circles:invites", args=["ward"]), {"days": 3}),
        ("post", reverse("circles:invite_revoke", args=["ward", invite.pk]), {}),
        ("post", reverse("circles:admit", args=["ward", pending.pk]), {}),
    ]
    expected = FACILITATOR_ONLY[who]
    for method, url, data in requests:
        before = membership_db_state()
        response = getattr(client, method)(url, data)
        if expected == "login":
            assert_login_redirect(response)
        elif expected == "ok":
            assert response.status_code in (200, 302), url
            if method == "post":
                assert membership_db_state() != before, url
            continue
        else:
            assert response.status_code == expected, url
        assert membership_db_state() == before, url
    if expected == "ok":
        assert state_of(w, w.pending) == "active"
