"""Account pages and account emails speak in the site's voice: sentence case, the school's
name from settings, the member's display name."""

import re
from html import unescape

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SCHOOL = "Northern Circles School"


@pytest.fixture(autouse=True)
def _school_name(settings):
    settings.SITE_NAME = SCHOOL


def _texts(body: str, tags=("title", "h1", "h2", "button", "label", "legend")) -> list[str]:
    found = []
    for tag in tags:
        for inner in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", body, re.S):
            text = " ".join(unescape(re.sub(r"<[^>]+>", " ", inner)).split())
            if text:
                found.append(text)
    return found


def _not_sentence_case(text: str) -> bool:
    """True when a word after the first starts with a capital ("Sign In", "Remember Me");
    the school's name and "I" are proper."""
    words = re.findall(r"[A-Za-z][\w']*", text.replace(SCHOOL, "school"))
    return any(w[0].isupper() and w != "I" for w in words[1:])


def _assert_site_voice(body: str):
    title_case = [t for t in _texts(body) if _not_sentence_case(t)]
    assert not title_case, title_case


def _member(email="nadia.ward7@example.org", name="Nadia Ward"):
    user = UserFactory(email=email)
    user.profile.display_name = name
    user.profile.save()
    return user


def test_entrance_pages_are_in_sentence_case_and_name_the_school(client):
    for name in [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        body = response.content.decode()
        _assert_site_voice(body)
    signup = client.get(reverse("account_signup")).content.decode()
    assert SCHOOL in re.search(r"<h1[^>]*>(.*?)</h1>", signup, re.S).group(1)
    login = client.get(reverse("account_login")).content.decode()
    assert "Remember Me" not in login and "Keep me signed in" in login


def test_pages_on_the_way_in_are_in_sentence_case(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    sent = client.get(reverse("account_email_verification_sent"))
    _assert_site_voice(sent.content.decode())
    assert "Check your email" in sent.content.decode()

    address = EmailAddress.objects.get(email="new@example.org")
    confirm = client.get(
        reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])
    )
    body = confirm.content.decode()
    _assert_site_voice(body)
    assert "for user" not in body and "new@example.org" in body

    expired = client.get(reverse("account_confirm_email", args=["not-a-key"])).content.decode()
    _assert_site_voice(expired)
    assert "This link has expired" in expired

    bad = client.get("/accounts/password/reset/key/1-not-a-key/", follow=True).content.decode()
    _assert_site_voice(bad)
    assert "Bad Token" not in bad


def test_pages_for_a_signed_in_member_are_in_sentence_case(client):
    client.force_login(_member())
    for name in ["account_logout", "account_change_password", "account_email"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _assert_site_voice(response.content.decode())
    reset = client.get(reverse("account_reset_password")).content.decode()
    assert "You are already signed in as Nadia Ward" in reset
    assert "logged in" not in reset


def _assert_email_in_site_voice(message, *, greeting: str, link: str):
    assert SCHOOL in message.subject, message.subject
    assert not message.subject.startswith("["), message.subject
    assert not _not_sentence_case(message.subject), message.subject
    body = message.body
    assert body.startswith(greeting), body
    assert SCHOOL in body
    for allauth_copy in [
        "Hello from",
        "testserver!",
        "Thank you for using",
        "user nadia",
        "user new",
    ]:
        assert allauth_copy not in body, allauth_copy
    assert re.search(rf"https?://\S+{re.escape(link)}", body), body
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert SCHOOL in html and link in html and greeting.rstrip(",") in html


def test_sign_up_confirmation_email(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mailoutbox
    assert message.subject == f"Confirm your email address to join {SCHOOL}"
    _assert_email_in_site_voice(message, greeting="Hello,", link="/accounts/confirm-email/")


def test_signing_up_with_a_known_address_emails_the_member_by_name(client, mailoutbox):
    _member()
    client.post(
        reverse("account_signup"),
        {"email": "nadia.ward7@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mailoutbox
    _assert_email_in_site_voice(
        message, greeting="Hello Nadia Ward,", link="/accounts/password/reset/"
    )


def test_password_reset_email_names_the_member(client, mailoutbox):
    _member()
    client.post(reverse("account_reset_password"), {"email": "nadia.ward7@example.org"})
    (message,) = mailoutbox
    assert message.subject == f"Reset your password for {SCHOOL}"
    _assert_email_in_site_voice(
        message, greeting="Hello Nadia Ward,", link="/accounts/password/reset/key/"
    )


def test_password_reset_for_an_unknown_address(client, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    (message,) = mailoutbox
    _assert_email_in_site_voice(message, greeting="Hello,", link="/accounts/signup/")


def test_changing_email_sends_a_confirmation_that_names_the_member(client, mailoutbox):
    client.force_login(_member())
    client.post(reverse("account_email"), {"email": "nadia@work.example.org", "action_add": ""})
    (message,) = mailoutbox
    assert message.to == ["nadia@work.example.org"]
    _assert_email_in_site_voice(
        message, greeting="Hello Nadia Ward,", link="/accounts/confirm-email/"
    )


def test_security_notice_after_a_password_change_names_the_member(client, mailoutbox, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.force_login(_member())
    new = "another-Long-passphrase-99"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.subject == f"Your password for {SCHOOL} was changed"
    _assert_email_in_site_voice(
        message, greeting="Hello Nadia Ward,", link="/accounts/password/reset/"
    )
    assert "If this was not you" in message.body
