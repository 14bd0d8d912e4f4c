"""One-click unsubscribe (RFC 8058): GET changes nothing; POST needs no login or CSRF
token and is idempotent; a forged or altered token changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from members.models import Profile
from notifications.emails import message_build, unsubscribe_url
from notifications.services.unsubscribe import SALT, unsubscribe_token_make
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def prefs(user):
    p = Profile.objects.get(user=user)
    return (p.digest_enabled, p.nudges_enabled, p.response_emails_enabled)


def url_for(user, email_type):
    token = unsubscribe_token_make(member_id=user.pk, email_type=email_type)
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def test_get_shows_a_confirm_page_and_changes_nothing(client):
    member = UserFactory()
    page = client.get(url_for(member, "digest"))
    assert page.status_code == 200
    assert b"Stop the weekly digest?" in page.content
    assert b'<form method="post">' in page.content
    assert prefs(member) == (True, True, True)


@pytest.mark.parametrize(
    ("email_type", "expected"),
    [
        ("digest", (False, True, True)),
        ("nudges", (True, False, True)),
        ("responses", (True, True, False)),
    ],
)
def test_one_click_post_unsubscribes_that_type_without_login_or_csrf(email_type, expected):
    member = UserFactory()
    client = Client(enforce_csrf_checks=True)
    url = url_for(member, email_type)
    first = client.post(url, {"List-Unsubscribe": "One-Click"})
    second = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert first.status_code == second.status_code == 200
    assert b"You are unsubscribed" in second.content
    assert prefs(member) == expected


def test_works_for_a_signed_in_member_who_has_not_finished_onboarding(client):
    member = UserFactory()
    Profile.objects.filter(user=member).update(onboarded_at=None)
    client.force_login(member)
    assert client.get(url_for(member, "nudges")).status_code == 200
    assert client.post(url_for(member, "nudges")).status_code == 200
    assert prefs(member) == (True, False, True)


def test_forged_or_altered_tokens_change_nothing(client):
    member = UserFactory()
    victim = UserFactory()
    good = unsubscribe_token_make(member_id=member.pk, email_type="digest")
    forged = signing.dumps({"m": victim.pk, "t": "digest"}, salt="another-salt")
    wrong_key = signing.dumps({"m": victim.pk, "t": "digest"}, salt=SALT, key="guessed-key")
    altered = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    unknown_type = signing.dumps({"m": victim.pk, "t": "everything"}, salt=SALT)
    for token in (forged, wrong_key, altered, unknown_type, "nonsense"):
        url = reverse("notifications:unsubscribe", kwargs={"token": token})
        assert client.get(url).status_code == 400
        page = client.post(url)
        assert page.status_code == 400 and b"not valid" in page.content
    assert prefs(member) == prefs(victim) == (True, True, True)


def test_email_links_are_absolute_https_when_the_site_is(settings):
    settings.SITE_URL = "https://school.example.org"
    member = UserFactory()
    url = unsubscribe_url(member_id=member.pk, email_type="digest")
    assert url.startswith("https://school.example.org/email/unsubscribe/")


def test_a_link_works_for_180_days_then_shows_a_friendly_expired_page(client):
    member = UserFactory()
    with time_machine.travel(dt.datetime(2026, 1, 5, 7, 0, tzinfo=dt.UTC), tick=False) as t:
        url = url_for(member, "digest")
        t.shift(dt.timedelta(days=179))
        assert b"Stop the weekly digest?" in client.get(url).content
        t.shift(dt.timedelta(days=2))
        page = client.get(url)
        posted = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert page.status_code == posted.status_code == 410
    assert prefs(member) == (True, True, True)  # an expired link changes nothing
    body = page.content.decode()
    assert "This unsubscribe link has expired" in body
    sign_in = reverse("account_login") + "?next=" + reverse("members:preferences")
    assert f'href="{sign_in}"' in body
    response = client.post(sign_in, {"login": member.email, "password": PASSWORD})
    assert response["Location"] == reverse("members:preferences")


def test_an_email_of_unknown_type_is_refused_with_a_clear_error():
    """An unknown type would carry an unsubscribe link that unsubscribes from nothing: it is
    refused with a ValueError (an ``assert`` vanishes under ``python -O``)."""
    member = UserFactory()
    with pytest.raises(ValueError, match="Unknown email type 'newsletter'"):
        message_build(
            template="responses",
            context={"member": member},
            to=member.email,
            member_id=member.pk,
            email_type="newsletter",
        )
