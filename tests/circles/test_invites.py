"""Invite links: signed, expiring, revocable; the invites page and the accept page for
every kind of visitor."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from circles.models import Invite, Membership, MembershipState
from circles.services.memberships import (
    MembershipError,
    invite_create,
    invite_from_token,
    invite_revoke,
    invite_token,
    membership_join_by_invite,
)
from facilitation.models import ModerationAction, ModerationVerb
from tests.circles.conftest import World, world_build
from tests.circles.helpers import membership_db_state
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:
    return world_build(
        name="Night shift leads", slug="night-shift", policy="invite", capacity=12, logs=False
    )


@pytest.fixture
def invite(world):
    return invite_create(actor=world.facilitator, circle=world.circle, days=14)


def accept_url(invite):
    return reverse("circles:invite_accept", args=[invite_token(invite)])


# --- services -------------------------------------------------------------------------------


def test_invite_create_records_the_decision(world):
    with time_machine.travel("2026-11-27 10:00:00+00:00", tick=False):
        invite = invite_create(actor=world.facilitator, circle=world.circle, days=7)
    assert invite.expires_at == datetime(2026, 12, 4, 10, tzinfo=UTC)
    assert invite.created_by == world.facilitator
    action = ModerationAction.objects.get()
    assert (action.verb, action.actor, action.circle) == (
        ModerationVerb.INVITE_CREATE,
        world.facilitator,
        world.circle,
    )


@pytest.mark.parametrize("days", [0, 61])
def test_invite_days_are_bounded(world, days):
    with pytest.raises(MembershipError, match="between 1 and 60 days"):
        invite_create(actor=world.facilitator, circle=world.circle, days=days)
    assert not Invite.objects.exists()


@pytest.mark.parametrize("who", ["member", "pending", "non_member", "other_facilitator"])
def test_only_facilitators_create_and_revoke(world, invite, who):
    actor = getattr(world, who)
    before = membership_db_state()
    with pytest.raises(PermissionDenied):
        invite_create(actor=actor, circle=world.circle)
    with pytest.raises(PermissionDenied):
        invite_revoke(actor=actor, invite=invite)
    assert membership_db_state() == before


def test_token_round_trip_and_join(world, invite):
    token = invite_token(invite)
    assert invite.key not in token.split(":")[-1]  # the signature is not the key
    assert invite_from_token(token) == invite
    membership = membership_join_by_invite(user=world.non_member, token=token)
    assert membership.state == MembershipState.ACTIVE
    assert membership.decided_by == world.facilitator
    invite.refresh_from_db()
    assert invite.uses == 1
    # Using it again while a member changes nothing.
    membership_join_by_invite(user=world.non_member, token=token)
    invite.refresh_from_db()
    assert invite.uses == 1


def test_altered_token_is_refused(world, invite):
    token = invite_token(invite)
    key, signature = token.rsplit(":", 1)
    altered = [
        key[:-1] + ("A" if key[-1] != "A" else "B") + ":" + signature,
        key + ":" + signature[:-1] + ("A" if signature[-1] != "A" else "B"),
        key,
        "nonsense",
        # Signed with the right secret but the wrong salt: not an invite token.
        signing.Signer(salt="something-else").sign(invite.key),
    ]
    for bad in altered:
        with pytest.raises(MembershipError, match="not valid"):
            membership_join_by_invite(user=world.non_member, token=bad)
    assert not Membership.objects.filter(member=world.non_member).exists()


def test_revoked_token_is_refused(world, invite):
    invite_revoke(actor=world.facilitator, invite=invite)
    assert ModerationAction.objects.filter(verb=ModerationVerb.INVITE_REVOKE).count() == 1
    invite_revoke(actor=world.facilitator, invite=invite)  # twice: recorded once
    assert ModerationAction.objects.filter(verb=ModerationVerb.INVITE_REVOKE).count() == 1
    with pytest.raises(MembershipError, match="withdrawn"):
        membership_join_by_invite(user=world.non_member, token=invite_token(invite))
    assert not Membership.objects.filter(member=world.non_member).exists()


def test_expired_token_is_refused(world, invite):
    with (
        time_machine.travel(timezone.now() + timedelta(days=14, seconds=1)),
        pytest.raises(MembershipError, match="expired"),
    ):
        membership_join_by_invite(user=world.non_member, token=invite_token(invite))
    assert not Membership.objects.filter(member=world.non_member).exists()
    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23)):
        membership_join_by_invite(user=world.non_member, token=invite_token(invite))
    assert Membership.objects.get(member=world.non_member).state == MembershipState.ACTIVE


def test_invite_to_full_circle_admits_no_one(world, invite):
    world.circle.capacity = 2  # facilitator + member
    world.circle.save()
    with pytest.raises(MembershipError, match="is full"):
        membership_join_by_invite(user=world.non_member, token=invite_token(invite))
    assert not Membership.objects.filter(member=world.non_member).exists()


def test_invite_to_archived_circle_admits_no_one(world, invite):
    world.circle.status = "archived"
    world.circle.save()
    with pytest.raises(MembershipError, match="archived"):
        membership_join_by_invite(user=world.non_member, token=invite_token(invite))
    with pytest.raises(MembershipError, match="archived"):
        invite_create(actor=world.facilitator, circle=world.circle)


def test_invite_activates_pending_and_left_members_reusing_their_row(world, invite):
    pending_row = Membership.objects.get(member=world.pending, circle=world.circle)
    assert membership_join_by_invite(user=world.pending, token=invite_token(invite)).pk == (
        pending_row.pk
    )
    pending_row.refresh_from_db()
    assert pending_row.state == MembershipState.ACTIVE


# --- views: invites page ----------------------------------------------------------------------


def test_invites_page_anonymous_redirects_to_login(client, world):
    url = reverse("circles:invites", args=[world.circle.slug])
    before = membership_db_state()
    for response in (client.get(url), client.post(url, {"days": 5})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert membership_db_state() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [("non_member", 404), ("pending", 404), ("other_facilitator", 404), ("member", 403)],
)
def test_invites_page_refused(client, world, invite, who, status):
    client.force_login(getattr(world, who))
    url = reverse("circles:invites", args=[world.circle.slug])
    revoke = reverse("circles:invite_revoke", args=[world.circle.slug, invite.pk])
    before = membership_db_state()
    assert client.get(url).status_code == status
    assert client.post(url, {"days": 5}).status_code == status
    assert client.post(revoke).status_code == status
    assert membership_db_state() == before


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_invites_page_create_list_and_revoke(client, world, who):
    actor = getattr(world, who)
    client.force_login(actor)
    url = reverse("circles:invites", args=[world.circle.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"days": 5}, follow=True)
    assert "New invite link created" in response.content.decode()
    invite = Invite.objects.get()
    assert invite.created_by == actor
    assert f"http://testserver{accept_url(invite)}" in response.content.decode()
    revoke = reverse("circles:invite_revoke", args=[world.circle.slug, invite.pk])
    response = client.post(revoke, follow=True)
    assert "no longer works" in response.content.decode()
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert accept_url(invite) not in response.content.decode()
    assert list(ModerationAction.objects.order_by("pk").values_list("verb", "actor")) == [
        (ModerationVerb.INVITE_CREATE, actor.pk),
        (ModerationVerb.INVITE_REVOKE, actor.pk),
    ]


def test_invites_page_bad_days_shows_error(client, world):
    client.force_login(world.facilitator)
    url = reverse("circles:invites", args=[world.circle.slug])
    response = client.post(url, {"days": 90})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Invite.objects.exists()


def test_revoke_other_circles_invite_through_own_slug_is_404(client, world, invite):
    client.force_login(world.other_facilitator)
    before = membership_db_state()
    url = reverse("circles:invite_revoke", args=[world.other_circle.slug, invite.pk])
    assert client.post(url).status_code == 404
    assert membership_db_state() == before


# --- views: accepting -------------------------------------------------------------------------


def test_accept_page_anonymous_sees_circle_and_sign_in_links(client, world, invite):
    response = client.get(accept_url(invite))
    html = response.content.decode()
    assert response.status_code == 200
    assert "You are invited to join Night shift leads" in html
    assert f"/accounts/login/?next={accept_url(invite).replace(':', '%3A')}" in html
    before = membership_db_state()
    response = client.post(accept_url(invite))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert membership_db_state() == before


def test_accept_after_sign_in_comes_back_and_joins(client, world, invite, password):
    url = accept_url(invite)
    response = client.post(
        reverse("account_login") + f"?next={url}",
        {"login": world.non_member.email, "password": password},
    )
    assert response.status_code == 302
    assert response.url == url
    response = client.get(url)
    assert f"Join {world.circle.name}" in response.content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == world.circle.get_absolute_url()
    assert "Welcome to Night shift leads" in response.content.decode()
    membership = Membership.objects.get(member=world.non_member, circle=world.circle)
    assert membership.state == MembershipState.ACTIVE


@pytest.mark.parametrize("who", ["non_member", "pending", "other_facilitator", "staff"])
def test_accept_joins_signed_in_people(client, world, invite, who):
    user = getattr(world, who)
    client.force_login(user)
    client.post(accept_url(invite))
    assert Membership.objects.get(member=user, circle=world.circle).state == "active"


@pytest.mark.parametrize("who", ["member", "facilitator"])
def test_accept_for_existing_members_changes_nothing(client, world, invite, who):
    client.force_login(getattr(world, who))
    assert "You are already a member" in client.get(accept_url(invite)).content.decode()
    before = membership_db_state()
    client.post(accept_url(invite))
    assert membership_db_state() == before


def test_accept_refuses_bad_links_with_clear_message(client, world, invite):
    client.force_login(world.non_member)
    token = invite_token(invite)
    bad = reverse("circles:invite_accept", args=[token[:-2] + "xx"])
    for method in (client.get, client.post):
        response = method(bad)
        assert response.status_code == 404
        assert "This invite link is not valid" in response.content.decode()
    invite_revoke(actor=world.facilitator, invite=invite)
    before = membership_db_state()
    for method in (client.get, client.post):
        response = method(accept_url(invite))
        assert response.status_code == 404
        assert "withdrawn by the circle" in response.content.decode()
    assert membership_db_state() == before


def test_accept_refuses_expired_link(client, world, invite):
    client.force_login(world.non_member)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.post(accept_url(invite))
    assert response.status_code == 404
    assert "This invite link expired on" in response.content.decode()
    assert not Membership.objects.filter(member=world.non_member).exists()


def test_accept_full_circle_says_so(client, world, invite):
    world.circle.capacity = 2
    world.circle.save()
    client.force_login(world.non_member)
    page = client.get(accept_url(invite)).content.decode()
    assert "Night shift leads is full just now" in page
    assert 'method="post"' not in page.split("<main", 1)[1]
    response = client.post(accept_url(invite), follow=True)
    assert "is full (2 of 2 places taken)" in response.content.decode()
    assert not Membership.objects.filter(member=world.non_member).exists()


def test_accept_archived_circle_says_so(client, world, invite):
    world.circle.status = "archived"
    world.circle.save()
    client.force_login(world.non_member)
    assert "is archived" in client.get(accept_url(invite)).content.decode()
    response = client.post(accept_url(invite), follow=True)
    assert "is archived: it is read-only" in response.content.decode()
    assert not Membership.objects.filter(member=world.non_member).exists()


def test_newcomer_signs_up_from_invite_and_comes_back_to_it(
    client, world, invite, password, tasks_run_at_once
):
    import re

    from django.core import mail

    from members.models import Role

    url = accept_url(invite)
    page = client.get(url).content.decode()
    signup = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', page).group(1)
    response = client.post(
        signup,
        {"email": "newcomer@example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    confirm = re.search(r"http://testserver(\S+)", mail.outbox[-1].body).group(1)
    response = client.post(confirm)
    assert response.url == url  # allauth keeps ?next= through email confirmation
    response = client.get(url)
    assert response.url.startswith(reverse("members:onboarding"))
    response = client.post(
        response.url,
        {
            "display_name": "New Comer",
            "roles": [Role.objects.first().pk],
            "organisation": "St Mary's",
            "sector": "health",
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 302
    assert response.url == url  # back to the invite, to confirm joining


# --- how many people a link is for ---------------------------------------------------------


def test_a_single_use_link_admits_one_person_then_says_it_has_been_used(client, world):
    client.force_login(world.facilitator)
    url = reverse("circles:invites", args=[world.circle.slug])
    form = client.get(url).content.decode()
    assert 'name="max_uses" value="1"' in form  # single use unless the facilitator says more
    response = client.post(url, {"days": 5, "max_uses": 1}, follow=True)
    assert "New invite link created, for one person" in response.content.decode()
    invite = Invite.objects.get()
    assert "One person (single use)" in response.content.decode()

    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    client.post(accept_url(invite))
    assert world.circle.memberships.get(member=first).state == MembershipState.ACTIVE

    client.force_login(second)
    page = client.get(accept_url(invite))
    assert page.status_code == 404
    assert "This invite link was for one person, and it has been used" in page.content.decode()
    before = membership_db_state()
    client.post(accept_url(invite))
    assert membership_db_state() == before
    assert not Membership.objects.filter(member=second).exists()

    client.force_login(world.facilitator)
    listing = client.get(url).content.decode()
    assert '<span class="badge">Used</span>' in listing
    assert accept_url(invite) not in listing


def test_a_link_for_three_people_admits_three(world):
    invite = invite_create(actor=world.facilitator, circle=world.circle, days=5, max_uses=3)
    token = invite_token(invite)
    for _ in range(3):
        membership_join_by_invite(user=UserFactory(), token=token)
    late = UserFactory()
    with pytest.raises(MembershipError, match="was for 3 people, and it has been used"):
        membership_join_by_invite(user=late, token=token)
    invite.refresh_from_db()
    assert invite.uses == 3
    assert not Membership.objects.filter(member=late).exists()


def test_a_link_for_anyone_admits_anyone_until_it_expires(client, world):
    client.force_login(world.facilitator)
    url = reverse("circles:invites", args=[world.circle.slug])
    response = client.post(url, {"days": 5, "max_uses": ""}, follow=True)
    assert "for anyone with it" in response.content.decode()
    assert "Anyone with the link" in response.content.decode()
    token = invite_token(Invite.objects.get())
    for _ in range(4):
        membership_join_by_invite(user=UserFactory(), token=token)
    assert Invite.objects.get().uses == 4


@pytest.mark.parametrize("max_uses", ["0", "101", "two"])
def test_invites_page_bad_number_of_people_shows_error(client, world, max_uses):
    client.force_login(world.facilitator)
    url = reverse("circles:invites", args=[world.circle.slug])
    response = client.post(url, {"days": 5, "max_uses": max_uses})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter a number of people from 1 to 100, or leave it empty." in body
    assert not Invite.objects.exists()


def test_the_database_refuses_more_uses_than_a_link_allows(world):
    from django.db import IntegrityError, transaction

    invite = invite_create(actor=world.facilitator, circle=world.circle, days=5, max_uses=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invite.objects.filter(pk=invite.pk).update(uses=2)
