"""Onboarding asks for a real name and a time zone people live in; flashes name the person."""

import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from members.models import Role, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _signed_up_and_confirmed(client, mailoutbox, email="nadia.ward7@example.org"):
    """Sign up and confirm through the real allauth views; returns the last response."""
    client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mailoutbox[-1].body).group(
        1
    )
    return client.post(link, follow=True)


def _flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _options(body: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="time_zone".*?</select>', body, re.S).group(0)
    return [
        (v, unescape(label))
        for v, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    ]


def _onboard(client, **overrides):
    data = {
        "display_name": "Nadia Ward",
        "roles": [Role.objects.get(slug="ward-manager-senior-nurse").pk],
        "organisation": "St Mary's Hospital",
        "sector": "health",
        "time_zone": "Europe/London",
        "bio": "",
    }
    data.update(overrides)
    return client.post(reverse("members:onboarding"), data)


def test_onboarding_asks_for_a_real_name_instead_of_the_email_local_part(client, mailoutbox):
    response = _signed_up_and_confirmed(client, mailoutbox)
    assert response.redirect_chain[-1][0].startswith(reverse("members:onboarding"))
    body = response.content.decode()

    name_input = re.search(r'<input[^>]*name="display_name"[^>]*>', body).group(0)
    assert "value=" not in name_input, name_input
    assert 'autocomplete="name"' in name_input
    assert "nadia.ward7" not in body.replace("nadia.ward7@example.org", "")
    assert "as your colleagues know you" in body  # the hint says what kind of name
    user = User.objects.get(email="nadia.ward7@example.org")
    assert user.profile.display_name == ""


def test_a_name_that_is_an_email_address_is_refused_and_nothing_is_saved(client, mailoutbox):
    _signed_up_and_confirmed(client, mailoutbox)
    response = _onboard(client, display_name="nadia.ward7@example.org")
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Use your name, not your email address." in body
    profile = User.objects.get(email="nadia.ward7@example.org").profile
    assert profile.onboarded_at is None and profile.display_name == ""


def test_flashes_name_the_person_and_never_the_email_local_part(client, mailoutbox):
    response = _signed_up_and_confirmed(client, mailoutbox)
    flashes = _flashes(response)
    assert flashes, "confirming should say something"
    assert not any("nadia.ward7" in f and "@" not in f for f in flashes), flashes
    assert not any("Successfully" in f for f in flashes), flashes

    response = _onboard(client)
    assert response.status_code == 302
    response = client.get(response["Location"])
    # The dashboard's heading welcomes her by name; the message does not say it again.
    assert response.content.decode().count("Welcome, Nadia Ward") == 1
    assert "Here are the circles for your roles." in " ".join(_flashes(response))

    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"),
        {"login": "nadia.ward7@example.org", "password": PASSWORD},
        follow=True,
    )
    assert "Welcome back, Nadia Ward." in _flashes(response)


def test_time_zones_offered_are_places_with_the_school_zone_first(client, settings):
    settings.TIME_ZONE = "Europe/London"
    user = UserFactory()
    user.profile.onboarded_at = None
    user.profile.save()
    client.force_login(user)
    options = _options(client.get(reverse("members:onboarding")).content.decode())
    values = [v for v, _ in options]

    assert values[0] == "Europe/London"
    assert "school" in options[0][1]
    assert values.count("Europe/London") == 1
    for junk in [
        "Factory",
        "localtime",
        "UTC",
        "Etc/GMT+5",
        "GMT",
        "US/Eastern",
        "Asia/Calcutta",
        "Europe/Kiev",
    ]:
        assert junk not in values, junk
    assert not [v for v in values if "/" not in v or v.startswith("Etc/")]
    for place in [
        "America/New_York",
        "Asia/Kolkata",
        "Europe/Kyiv",
        "Europe/Oslo",
        "Australia/Sydney",
    ]:
        assert place in values, place
    assert len(values) < 450
    assert ("America/New_York", "New York") in options


def test_a_time_zone_that_is_not_offered_is_refused(client):
    user = UserFactory()
    user.profile.onboarded_at = None
    user.profile.save()
    client.force_login(user)
    response = _onboard(client, time_zone="Factory")
    assert response.status_code == 200
    assert "Pick the place whose time you keep" in response.content.decode()
    user.profile.refresh_from_db()
    assert user.profile.onboarded_at is None and user.profile.time_zone == "Europe/London"


def test_a_member_keeps_a_zone_set_before_the_list_was_narrowed(client):
    user = UserFactory()
    user.profile.time_zone = "UTC"
    user.profile.save()
    client.force_login(user)
    body = client.get(reverse("members:profile_edit")).content.decode()
    assert re.search(r'<option value="UTC" selected>', body)
    response = client.post(
        reverse("members:profile_edit"),
        {
            "display_name": user.profile.display_name,
            "roles": [Role.objects.get(slug="matron").pk],
            "organisation": "Royal Infirmary",
            "sector": "health",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.time_zone == "UTC"


def test_a_chosen_zone_is_saved_by_its_name_and_shown_selected_again(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("members:profile_edit"),
        {
            "display_name": user.profile.display_name,
            "roles": [Role.objects.get(slug="matron").pk],
            "organisation": "Royal Infirmary",
            "sector": "health",
            "time_zone": "America/Argentina/Buenos_Aires",
        },
    )
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.time_zone == "America/Argentina/Buenos_Aires"
    body = client.get(reverse("members:profile_edit")).content.decode()
    assert '<option value="America/Argentina/Buenos_Aires" selected>' in body


def test_the_sector_asks_to_be_chosen_and_the_page_says_what_is_needed(client):
    user = UserFactory()
    user.profile.onboarded_at = None
    user.profile.save()
    client.force_login(user)
    body = client.get(reverse("members:onboarding")).content.decode()
    select = re.search(r'<select name="sector"[^>]*>\s*<option value="">([^<]*)<', body)
    assert select.group(1) == "Choose your sector"
    assert " required" in select.group(0)  # announced as required by screen readers
    assert "Every field needs an answer unless it says “(optional)”." in body
    assert "---------" not in body

    body = _onboard(client, sector="").content.decode()
    assert "There is a problem" in body and "Choose the sector you work in." in body
    assert 'aria-invalid="true"' in re.search(r'<select name="sector"[^>]*>', body).group(0)
