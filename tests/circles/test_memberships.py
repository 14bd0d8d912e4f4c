"""Joining, requests with an entry question, leaving and the facilitators' decisions:
services directly, and the views for every kind of visitor."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from circles.models import Circle, Invite, Membership, MembershipKind, MembershipState
from circles.services.memberships import (
    MembershipError,
    membership_admit,
    membership_decline,
    membership_join,
    membership_leave,
    membership_request,
)
from facilitation.models import ModerationAction, ModerationVerb
from tests.circles.conftest import World, world_build
from tests.circles.helpers import membership_db_state
from tests.factories import CircleFactory, FacilitatorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUESTION = "What would you like to try on your ward this month?"


@pytest.fixture
def world(db) -> World:
    return world_build(
        name="Ward managers",
        slug="ward-managers",
        policy="request",
        entry_question=QUESTION,
        entry_answer="I want to try a handover huddle.",
        capacity=12,
        logs=False,
    )


# --- services -------------------------------------------------------------------------------


def test_join_open_circle_creates_active_membership():
    circle = CircleFactory(join_policy="open")
    user = UserFactory()
    membership = membership_join(user=user, circle=circle)
    assert membership.state == MembershipState.ACTIVE
    assert membership.kind == MembershipKind.MEMBER
    assert membership.joined_at is not None
    # Joining twice is harmless.
    assert membership_join(user=user, circle=circle).pk == membership.pk
    assert Membership.objects.filter(member=user, circle=circle).count() == 1


@pytest.mark.parametrize(
    ("policy", "message"), [("request", "request to join"), ("invite", "invite only")]
)
def test_join_refuses_other_policies(policy, message):
    circle = CircleFactory(join_policy=policy, entry_question=QUESTION)
    with pytest.raises(MembershipError, match=message):
        membership_join(user=UserFactory(), circle=circle)
    assert not Membership.objects.exists()


def test_full_circle_admits_no_one():
    circle = CircleFactory(join_policy="open", capacity=2)
    MembershipFactory.create_batch(2, circle=circle)
    user = UserFactory()
    with pytest.raises(MembershipError, match=r"is full \(2 of 2 places taken\)"):
        membership_join(user=user, circle=circle)
    assert not Membership.objects.filter(member=user).exists()


def test_full_circle_refuses_admission_of_pending_request(world):
    world.circle.capacity = 3  # facilitator + member + one place
    world.circle.save()
    MembershipFactory(circle=world.circle)  # takes the last place
    with pytest.raises(MembershipError, match="is full"):
        membership_admit(actor=world.facilitator, membership=world.pending_membership)
    world.pending_membership.refresh_from_db()
    assert world.pending_membership.state == MembershipState.PENDING
    assert not ModerationAction.objects.exists()


def test_archived_circle_is_read_only(world):
    open_circle = CircleFactory(join_policy="open", status="archived")
    with pytest.raises(MembershipError, match="archived"):
        membership_join(user=world.non_member, circle=open_circle)
    world.circle.status = "archived"
    world.circle.save()
    with pytest.raises(MembershipError, match="archived"):
        membership_request(user=world.non_member, circle=world.circle, answer="Please")
    with pytest.raises(MembershipError, match="archived"):
        membership_admit(actor=world.facilitator, membership=world.pending_membership)
    assert not Membership.objects.filter(member=world.non_member).exists()
    world.pending_membership.refresh_from_db()
    assert world.pending_membership.state == MembershipState.PENDING


def test_request_then_admit_records_the_decision(world):
    membership = membership_request(
        user=world.non_member, circle=world.circle, answer="  Shorter handovers.  "
    )
    assert membership.state == MembershipState.PENDING
    assert membership.entry_answer == "Shorter handovers."
    membership_admit(actor=world.facilitator, membership=membership)
    membership.refresh_from_db()
    assert membership.state == MembershipState.ACTIVE
    assert membership.decided_by == world.facilitator
    action = ModerationAction.objects.get()
    assert (action.verb, action.actor, action.target_member, action.circle) == (
        ModerationVerb.ADMIT,
        world.facilitator,
        world.non_member,
        world.circle,
    )
    assert action.target_label == world.non_member.display_name


def test_decline_records_reason_and_request_can_be_made_again(world):
    membership_decline(
        actor=world.facilitator, membership=world.pending_membership, reason="Not a ward role"
    )
    world.pending_membership.refresh_from_db()
    assert world.pending_membership.state == MembershipState.DECLINED
    action = ModerationAction.objects.get()
    assert action.verb == ModerationVerb.DECLINE
    assert action.reason == "Not a ward role"
    # Deciding twice is refused with a message.
    with pytest.raises(MembershipError, match="already been decided"):
        membership_admit(actor=world.facilitator, membership=world.pending_membership)
    # Asking again reuses the one row.
    again = membership_request(user=world.pending, circle=world.circle, answer="I now run a ward")
    assert again.pk == world.pending_membership.pk
    assert again.state == MembershipState.PENDING
    assert Membership.objects.filter(member=world.pending).count() == 1


def test_request_validates_answer_and_policy(world):
    with pytest.raises(MembershipError, match="answer the entry question"):
        membership_request(user=world.non_member, circle=world.circle, answer="   ")
    with pytest.raises(MembershipError, match="2000 characters"):
        membership_request(user=world.non_member, circle=world.circle, answer="x" * 2001)
    with pytest.raises(MembershipError, match="already a member"):
        membership_request(user=world.member, circle=world.circle, answer="hello")
    with pytest.raises(MembershipError, match="join it straight away"):
        membership_request(user=world.non_member, circle=world.other_circle, answer="hello")
    assert not Membership.objects.filter(member=world.non_member).exists()


def test_only_facilitators_and_staff_decide(world):
    for actor in (world.member, world.pending, world.non_member, world.other_facilitator):
        with pytest.raises(PermissionDenied):
            membership_admit(actor=actor, membership=world.pending_membership)
        with pytest.raises(PermissionDenied):
            membership_decline(actor=actor, membership=world.pending_membership)
    world.pending_membership.refresh_from_db()
    assert world.pending_membership.state == MembershipState.PENDING
    membership_admit(actor=world.staff, membership=world.pending_membership)
    assert ModerationAction.objects.get().actor == world.staff


def test_leave_and_rejoin_reuse_the_row():
    circle = CircleFactory(join_policy="open")
    user = UserFactory()
    first = membership_join(user=user, circle=circle)
    membership_leave(user=user, circle=circle)
    first.refresh_from_db()
    assert first.state == MembershipState.LEFT
    again = membership_join(user=user, circle=circle)
    assert again.pk == first.pk
    assert again.state == MembershipState.ACTIVE
    with pytest.raises(MembershipError, match="not a member"):
        membership_leave(user=UserFactory(), circle=circle)


def test_removed_member_cannot_rejoin_by_themselves():
    circle = CircleFactory(join_policy="open")
    removed = MembershipFactory(circle=circle, state=MembershipState.REMOVED)
    with pytest.raises(MembershipError, match="removed"):
        membership_join(user=removed.member, circle=circle)
    removed.refresh_from_db()
    assert removed.state == MembershipState.REMOVED


def test_only_facilitator_cannot_leave_members_without_one(world):
    with pytest.raises(MembershipError, match="only facilitator"):
        membership_leave(user=world.facilitator, circle=world.circle)
    FacilitatorFactory(circle=world.circle)
    membership_leave(user=world.facilitator, circle=world.circle)
    left = Membership.objects.get(member=world.facilitator, circle=world.circle)
    assert (left.state, left.kind) == (MembershipState.LEFT, MembershipKind.MEMBER)


def test_pending_member_can_withdraw(world):
    membership_leave(user=world.pending, circle=world.circle)
    world.pending_membership.refresh_from_db()
    assert world.pending_membership.state == MembershipState.LEFT


# --- views: joining -------------------------------------------------------------------------


def test_join_view_for_anonymous_redirects_to_login_and_changes_nothing(client):
    circle = CircleFactory(join_policy="open")
    before = membership_db_state()
    response = client.post(reverse("circles:join", args=[circle.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert f"next=/circles/{circle.slug}/" in response.url
    assert membership_db_state() == before


def test_join_view_joins_and_redirects_to_the_circle(client):
    circle = CircleFactory(join_policy="open")
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("circles:join", args=[circle.slug]), follow=True)
    assert response.redirect_chain[-1][0] == circle.get_absolute_url()
    assert f"Welcome to {circle.name}" in response.content.decode()
    assert Membership.objects.get(member=user, circle=circle).state == MembershipState.ACTIVE


def test_join_view_refuses_full_circle_with_message(client):
    circle = CircleFactory(join_policy="open", capacity=2)
    MembershipFactory.create_batch(2, circle=circle)
    client.force_login(UserFactory())
    before = membership_db_state()
    response = client.post(reverse("circles:join", args=[circle.slug]), follow=True)
    assert "is full (2 of 2 places taken)" in response.content.decode()
    assert membership_db_state() == before
    # The page says it is full and offers no join button.
    page = client.get(circle.get_absolute_url()).content.decode()
    assert "This circle is full" in page
    assert reverse("circles:join", args=[circle.slug]) not in page


def test_join_view_get_does_nothing_and_shows_the_circle(client):
    circle = CircleFactory(join_policy="open")
    client.force_login(UserFactory())
    response = client.get(reverse("circles:join", args=[circle.slug]))
    assert response.status_code == 302 and response.url == circle.get_absolute_url()
    assert not Membership.objects.exists()


@pytest.mark.parametrize("action", ["join", "admit", "decline", "invite_revoke"])
def test_a_visitor_signed_out_mid_action_comes_back_to_the_circle_page(client, world, action):
    """A POST-only action sends a visitor to sign in; the way back shows the circle page and
    does nothing until she posts again."""
    invite = Invite.objects.create(
        circle=world.circle, created_by=world.facilitator, expires_at=timezone.now()
    )
    pk = {"join": None, "invite_revoke": invite.pk}.get(action, world.pending_membership.pk)
    url = reverse(f"circles:{action}", args=[world.circle.slug, *([pk] if pk else [])])
    before = membership_db_state()
    response = client.post(url)
    assert response.url.startswith(reverse("account_login"))
    client.force_login(world.facilitator)
    next_url = parse_qs(urlsplit(response.url).query)["next"][0]
    back = client.get(next_url, follow=True)
    assert back.status_code == 200
    assert back.request["PATH_INFO"] == world.circle.get_absolute_url()
    assert membership_db_state() == before


def test_join_unknown_circle_is_404(client):
    client.force_login(UserFactory())
    assert client.post(reverse("circles:join", args=["no-such-circle"])).status_code == 404


def test_join_view_refuses_archived_circle(client):
    circle = CircleFactory(join_policy="open", status="archived")
    client.force_login(UserFactory())
    response = client.post(reverse("circles:join", args=[circle.slug]), follow=True)
    assert "archived" in response.content.decode()
    assert not Membership.objects.exists()


# --- views: requests ------------------------------------------------------------------------


def test_request_form_shows_the_entry_question(client, world):
    client.force_login(world.non_member)
    response = client.get(reverse("circles:request", args=[world.circle.slug]))
    assert response.status_code == 200
    assert QUESTION in response.content.decode()


def test_request_view_anonymous_redirects_to_login(client, world):
    before = membership_db_state()
    url = reverse("circles:request", args=[world.circle.slug])
    response = client.post(url, {"answer": "Hello"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert membership_db_state() == before


def test_request_view_creates_pending_request(client, world):
    client.force_login(world.non_member)
    url = reverse("circles:request", args=[world.circle.slug])
    response = client.post(url, {"answer": "Safer staffing on nights"}, follow=True)
    assert "is with its facilitators" in response.content.decode()
    membership = Membership.objects.get(member=world.non_member, circle=world.circle)
    assert (membership.state, membership.entry_answer) == (
        MembershipState.PENDING,
        "Safer staffing on nights",
    )


@pytest.mark.parametrize(
    ("answer", "message"),
    [("", "Please answer the entry question."), ("x" * 2001, "Please keep your answer to 2000")],
)
def test_request_view_bad_answer_shows_error_and_changes_nothing(client, world, answer, message):
    client.force_login(world.non_member)
    before = membership_db_state()
    response = client.post(reverse("circles:request", args=[world.circle.slug]), {"answer": answer})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert membership_db_state() == before


def test_request_view_on_open_circle_redirects_with_message(client, world):
    client.force_login(world.non_member)
    response = client.post(
        reverse("circles:request", args=[world.other_circle.slug]), {"answer": "Hi"}, follow=True
    )
    assert "does not take requests" in response.content.decode()
    assert not Membership.objects.filter(member=world.non_member).exists()


# --- views: admit and decline, every kind of visitor ----------------------------------------

REFUSED = [
    ("non_member", 404),
    ("pending", 404),
    ("other_facilitator", 404),
    ("member", 403),
]


@pytest.mark.parametrize("verb", ["admit", "decline"])
def test_decisions_anonymous_redirects_to_login(client, world, verb):
    before = membership_db_state()
    url = reverse(f"circles:{verb}", args=[world.circle.slug, world.pending_membership.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert membership_db_state() == before


@pytest.mark.parametrize("verb", ["admit", "decline"])
@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_decisions_refused(client, world, verb, who, status):
    client.force_login(getattr(world, who))
    before = membership_db_state()
    url = reverse(f"circles:{verb}", args=[world.circle.slug, world.pending_membership.pk])
    assert client.post(url, {"reason": "no"}).status_code == status
    assert membership_db_state() == before


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_admit_allowed(client, world, who):
    actor = getattr(world, who)
    client.force_login(actor)
    url = reverse("circles:admit", args=[world.circle.slug, world.pending_membership.pk])
    response = client.post(url, follow=True)
    assert f"{world.pending.display_name} is now a member" in response.content.decode()
    world.pending_membership.refresh_from_db()
    assert world.pending_membership.state == MembershipState.ACTIVE
    action = ModerationAction.objects.get()
    assert (action.verb, action.actor, action.target_member) == (
        ModerationVerb.ADMIT,
        actor,
        world.pending,
    )


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_decline_allowed_with_reason(client, world, who):
    actor = getattr(world, who)
    client.force_login(actor)
    url = reverse("circles:decline", args=[world.circle.slug, world.pending_membership.pk])
    response = client.post(url, {"reason": "This circle is for ward managers"}, follow=True)
    assert "You declined the request" in response.content.decode()
    world.pending_membership.refresh_from_db()
    assert world.pending_membership.state == MembershipState.DECLINED
    action = ModerationAction.objects.get()
    assert (action.verb, action.actor, action.reason) == (
        ModerationVerb.DECLINE,
        actor,
        "This circle is for ward managers",
    )


def test_decline_reason_too_long_changes_nothing(client, world):
    client.force_login(world.facilitator)
    before = membership_db_state()
    url = reverse("circles:decline", args=[world.circle.slug, world.pending_membership.pk])
    response = client.post(url, {"reason": "x" * 501}, follow=True)
    assert "Please keep the reason to 500 characters" in response.content.decode()
    assert membership_db_state() == before


def test_facilitator_cannot_decide_another_circles_request_through_own_slug(client, world):
    """The request id must belong to the circle in the URL."""
    client.force_login(world.other_facilitator)
    before = membership_db_state()
    url = reverse("circles:admit", args=[world.other_circle.slug, world.pending_membership.pk])
    assert client.post(url).status_code == 404
    assert membership_db_state() == before


def test_admit_with_htmx_returns_refreshed_requests_list(client, world):
    client.force_login(world.facilitator)
    url = reverse("circles:admit", args=[world.circle.slug, world.pending_membership.pk])
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="requests"' in html
    assert "is now a member" in html
    assert "No requests are waiting." in html
    assert "<html" not in html


def test_admit_already_decided_shows_message(client, world):
    client.force_login(world.facilitator)
    membership_decline(actor=world.facilitator, membership=world.pending_membership)
    before = membership_db_state()
    url = reverse("circles:admit", args=[world.circle.slug, world.pending_membership.pk])
    response = client.post(url, follow=True)
    assert "already been decided" in response.content.decode()
    assert membership_db_state() == before


def test_requests_list_is_shown_to_facilitators_and_staff_only(client, world):
    answer = world.pending_membership.entry_answer
    for who in ("facilitator", "staff"):
        client.force_login(getattr(world, who))
        html = client.get(world.circle.get_absolute_url()).content.decode()
        assert answer in html
        assert (
            reverse("circles:admit", args=[world.circle.slug, world.pending_membership.pk]) in html
        )
    for who in ("member", "pending", "non_member", "other_facilitator"):
        client.force_login(getattr(world, who))
        html = client.get(world.circle.get_absolute_url()).content.decode()
        assert answer not in html, who
        assert "Requests to join" not in html, who
    client.logout()
    assert answer not in client.get(world.circle.get_absolute_url()).content.decode()


# --- views: leave ---------------------------------------------------------------------------


def test_leave_view(client, world):
    url = reverse("circles:leave", args=[world.circle.slug])
    before = membership_db_state()
    response = client.post(url)
    assert response.status_code == 302 and reverse("account_login") in response.url
    client.force_login(world.non_member)
    response = client.post(url, follow=True)
    assert "You are not a member" in response.content.decode()
    assert membership_db_state() == before
    client.force_login(world.member)
    response = client.post(url, follow=True)
    assert f"You have left {world.circle.name}" in response.content.decode()
    assert Membership.objects.get(member=world.member, circle=world.circle).state == "left"
    client.force_login(world.pending)
    response = client.post(url, follow=True)
    assert f"Your request to join {world.circle.name} is withdrawn" in response.content.decode()
    assert Membership.objects.get(member=world.pending, circle=world.circle).state == "left"


def test_capacity_is_rechecked_inside_the_lock(world):
    """A stale circle object cannot smuggle a member past capacity: the service re-reads
    the circle and counts active members inside the transaction."""
    stale = Circle.objects.get(pk=world.other_circle.pk)
    world.other_circle.capacity = 2
    world.other_circle.save()
    MembershipFactory(circle=world.other_circle)  # other_facilitator + this one = 2
    stale.capacity = 50  # what an out-of-date caller might think
    with pytest.raises(MembershipError, match="is full"):
        membership_join(user=world.non_member, circle=stale)


def test_leave_asks_first(client, world):
    url = reverse("circles:leave", args=[world.circle.slug])
    before = membership_db_state()
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response.url
    client.force_login(world.member)
    page = client.get(url).content.decode()
    assert f"Leave {world.circle.name}?" in page
    assert "you will need to ask again" in page
    client.force_login(world.pending)
    assert "Withdraw my request" in client.get(url).content.decode()
    client.force_login(world.non_member)
    response = client.get(url, follow=True)
    assert f"You are not a member of {world.circle.name}" in response.content.decode()
    assert membership_db_state() == before
