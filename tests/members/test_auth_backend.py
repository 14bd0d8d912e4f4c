"""``members.auth``: the signed-in user is read with her profile and whether an email of
hers is verified, in one query compiled once — and reads what the ORM would."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from members.auth import AuthenticationBackend, ModelBackend
from members.models import Profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_the_user_comes_with_her_profile_and_verified_email_in_one_query(
    backend, django_assert_num_queries
):
    member = UserFactory(email="ward7@example.org")
    with django_assert_num_queries(1):
        user = backend().get_user(str(member.pk))
        profile = user.profile
        verified = user.email_verified
    fresh = get_user_model().objects.get(pk=member.pk)
    assert [getattr(user, f.attname) for f in user._meta.concrete_fields] == [
        getattr(fresh, f.attname) for f in fresh._meta.concrete_fields
    ]
    stored = Profile.objects.get(user=member)
    assert [getattr(profile, f.attname) for f in Profile._meta.concrete_fields] == [
        getattr(stored, f.attname) for f in Profile._meta.concrete_fields
    ]
    assert verified is True
    assert user.profile.onboarded_at.tzinfo is not None  # aware, as the ORM gives it


def test_no_profile_no_verified_email_no_user():
    bare = UserFactory(email="new@example.org", verified=False)
    user = ModelBackend().get_user(bare.pk)
    assert user.email_verified is False
    with pytest.raises(Profile.DoesNotExist):
        user.profile  # noqa: B018
    EmailAddress.objects.create(user=bare, email=bare.email, verified=True, primary=True)
    assert ModelBackend().get_user(bare.pk).email_verified is True
    assert ModelBackend().get_user(bare.pk + 1000) is None
    assert ModelBackend().get_user("not-a-number") is None
    bare.is_active = False
    bare.save()
    assert ModelBackend().get_user(bare.pk) is None


def test_a_password_change_elsewhere_signs_this_session_out(client):
    member = UserFactory(email="matron@example.org")
    client.force_login(member)
    assert client.get(reverse("dashboard")).status_code == 200
    member.set_password("another-long-Passphrase-2026")
    member.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_sessions_that_name_the_old_backends_stay_signed_in(client):
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.cache import cache

    moved = import_module("members.migrations.0005_sessions_name_the_new_backends")
    member = UserFactory(email="nightsister@example.org")
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    client.cookies["sessionid"] = session.session_key
    assert client.get(reverse("dashboard")).status_code == 302  # the old path: signed out
    moved.forwards(apps, None)
    cache.clear()  # the sessions' cached copies (cached_db): none before the move deploys
    assert client.get(reverse("dashboard")).status_code == 200
