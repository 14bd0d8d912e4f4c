import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from members.models import Role, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _confirm_link(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_signup_confirm_onboard_dashboard(client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {"email": "Nurse.Asha@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email__iexact="nurse.asha@example.org")
    assert not user.emailaddress_set.get().verified

    # Mandatory verification: no dashboard before the address is confirmed.
    assert client.get(reverse("dashboard")).status_code == 302

    assert len(mailoutbox) == 1
    link = _confirm_link(mailoutbox[0])
    assert client.get(link).status_code == 200  # a confirm page; GET changes nothing
    assert not user.emailaddress_set.get().verified
    response = client.post(link, follow=True)
    assert user.emailaddress_set.get().verified
    assert response.redirect_chain[-1][0].startswith(reverse("members:onboarding"))

    # Onboarding comes before anything else.
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:onboarding") + "?next=%2Fdashboard%2F"
    role = Role.objects.get(slug="ward-manager-senior-nurse")
    response = client.post(
        reverse("members:onboarding"),
        {
            "display_name": "Asha",
            "roles": [role.pk],
            "organisation": "St Mary's Hospital",
            "sector": "health",
            "time_zone": "Europe/London",
            "bio": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "Welcome, Asha" in response.content.decode()
    user.profile.refresh_from_db()
    assert user.profile.is_onboarded
    assert list(user.profile.roles.all()) == [role]


def test_onboarding_with_no_role_shows_error_and_saves_nothing(client):
    user = UserFactory()
    user.profile.onboarded_at = None
    user.profile.save()
    client.force_login(user)
    response = client.post(
        reverse("members:onboarding"),
        {"display_name": "X", "organisation": "Org", "sector": "health", "time_zone": "UTC"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Pick at least one role" in response.content.decode()
    user.profile.refresh_from_db()
    assert user.profile.onboarded_at is None


def test_login_by_email(client):
    user = UserFactory(email="matron@example.org")
    response = client.post(
        reverse("account_login"), {"login": "matron@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_is_refused(client):
    UserFactory(email="matron@example.org")
    response = client.post(
        reverse("account_login"), {"login": "matron@example.org", "password": "not-it"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "not correct" in response.content.decode()


def test_password_reset_known_and_unknown_look_the_same(client, mailoutbox):
    UserFactory(email="known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # The known address gets a reset link; the unknown one is told it has no account.
    assert [m.to for m in mailoutbox] == [["known@example.org"], ["nobody@example.org"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert "/accounts/password/reset/key/" not in mailoutbox[1].body


def test_password_reset_sets_new_password(client, mailoutbox):
    UserFactory(email="known@example.org")
    client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[0].body)
    response = client.get(path.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path.group(1)
    new = "another-Long-passphrase-99"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert User.objects.get(email="known@example.org").check_password(new)


def test_repeated_failed_logins_lock_the_account_saying_when_and_how_to_reset(client):
    UserFactory(email="target@example.org")
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        for _ in range(5):
            client.post(reverse("account_login"), {"login": "target@example.org", "password": "x"})
        t.shift(60)
        response = client.post(
            reverse("account_login"), {"login": "target@example.org", "password": PASSWORD}
        )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 429
    assert response["Retry-After"] == "240"  # the first failure is 5 minutes old then
    body = response.content.decode()
    assert 'class="site-header"' in body and "<h1>Too many attempts</h1>" in body
    assert "try again in about 4 minutes" in body
    assert f'href="{reverse("account_reset_password")}"' in body


def test_the_eleventh_failed_sign_in_in_a_minute_from_one_address_answers_429(client):
    statuses = [
        client.post(
            reverse("account_login"), {"login": f"guess{n}@example.org", "password": "x"}
        ).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    response = client.post(
        reverse("account_login"), {"login": "guess99@example.org", "password": "x"}
    )
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "try again in " in response.content.decode()


def test_rate_limit_answers_429_in_the_site_style(client):
    statuses = [
        client.post(reverse("account_reset_password"), {"email": "a@example.org"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    response = client.post(reverse("account_reset_password"), {"email": "a@example.org"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    body = response.content.decode()
    assert "Too many attempts" in body and 'class="site-header"' in body
    assert "wait less than a minute" in body or "wait about a minute" in body


def test_too_many_sign_ups_from_one_address_answer_429_with_retry_after(client):
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), tick=False):
        statuses = [
            client.post(reverse("account_signup"), {"email": "not-an-email"}).status_code
            for _ in range(21)
        ]
        response = client.post(reverse("account_signup"), {"email": "not-an-email"})
    assert statuses == [200] * 20 + [429]
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "wait about a minute" in response.content.decode()


def test_logout_by_post_only(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200  # a confirmation page
    assert client.session.get("_auth_user_id") == str(user.pk)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["dashboard", "members:profile_edit", "members:preferences"])
def test_pages_that_need_login_redirect_there(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_profile_edit_and_preferences(client):
    user = UserFactory()
    client.force_login(user)
    role = Role.objects.get(slug="matron")
    response = client.post(
        reverse("members:profile_edit"),
        {
            "display_name": "Sam",
            "roles": [role.pk],
            "organisation": "Royal Infirmary",
            "sector": "health",
            "time_zone": "Europe/Dublin",
            "bio": "Matron, surgery.",
        },
    )
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert (user.profile.display_name, user.profile.time_zone) == ("Sam", "Europe/Dublin")
    client.post(reverse("members:preferences"), {"nudges_enabled": "on"})
    user.profile.refresh_from_db()
    assert not user.profile.digest_enabled and user.profile.nudges_enabled


def test_home_page_tells_a_visitor_what_the_school_is(client):
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "learning circle" in body.lower() and "Join the school" in body
    assert '<a class="skip-link" href="#main">' in body


def test_settings_refuse_to_start_without_secret_key_when_debug_off():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "school.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    env["DEBUG"] = "1"
    ok = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr


def test_onboarding_ignores_a_next_url_off_the_site(client):
    user = UserFactory()
    user.profile.onboarded_at = None
    user.profile.save()
    client.force_login(user)
    role = Role.objects.get(slug="matron")
    response = client.post(
        reverse("members:onboarding") + "?next=https://evil.example.com/",
        {
            "display_name": "X",
            "roles": [role.pk],
            "organisation": "Org",
            "sector": "health",
            "time_zone": "Europe/Dublin",
            "next": "https://evil.example.com/",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_a_signed_in_session_with_an_unconfirmed_email_is_refused(client):
    user = UserFactory(email="unconfirmed@example.org")
    user.emailaddress_set.update(verified=False)
    client.force_login(user)  # however the session came about, it does not get in
    for name in ("dashboard", "members:preferences", "circles:directory", "members:onboarding"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("account_login")
        assert "_auth_user_id" not in client.session
        client.force_login(user)
    page = client.get(reverse("dashboard"), follow=True)
    assert "Please confirm your email address first" in page.content.decode()
    assert page.redirect_chain[-1][0] == reverse("account_login")

    user.emailaddress_set.update(verified=True)
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200


def test_sign_up_with_a_registered_email_does_the_same_work_as_with_a_new_one(settings, mailoutbox):
    """Both paths hash the password once and hand exactly one email to the worker's task
    (none is sent by the page itself), so their timing does not tell them apart."""
    from celery.signals import task_prerun
    from django.test import Client

    from tests.members.hashers import CountingHasher

    settings.PASSWORD_HASHERS = ["tests.members.hashers.CountingHasher"]
    UserFactory(email="taken@example.org")
    emails_sent_by_the_task = []

    def count(sender=None, kwargs=None, **_):
        if sender.name == "members.account_email_send":
            emails_sent_by_the_task.append(kwargs["to"])

    task_prerun.connect(count, weak=False)
    work = {}
    try:
        for email in ("taken@example.org", "newcomer@example.org"):
            CountingHasher.hashed = 0
            mailoutbox.clear()
            emails_sent_by_the_task.clear()
            response = Client().post(
                reverse("account_signup"),
                {"email": email, "password1": PASSWORD, "password2": PASSWORD},
            )
            work[email] = {
                "answer": (response.status_code, response["Location"]),
                "passwords hashed": CountingHasher.hashed,
                "emails handed to the worker": list(emails_sent_by_the_task),
                "emails sent": [m.to for m in mailoutbox],
            }
    finally:
        task_prerun.disconnect(count)
    assert work["taken@example.org"] == {
        "answer": (302, reverse("account_email_verification_sent")),
        "passwords hashed": 1,
        "emails handed to the worker": [["taken@example.org"]],
        "emails sent": [["taken@example.org"]],
    }
    assert work["newcomer@example.org"] == {
        "answer": (302, reverse("account_email_verification_sent")),
        "passwords hashed": 1,
        "emails handed to the worker": [["newcomer@example.org"]],
        "emails sent": [["newcomer@example.org"]],
    }
    assert "/accounts/confirm-email/" in mailoutbox[0].body
    assert User.objects.filter(email="taken@example.org").count() == 1


def test_an_account_email_is_sent_from_here_when_the_broker_is_down(client, mailoutbox, settings):
    from school.celery import app
    from tests.notifications.conftest import broker_unreachable

    app.conf.task_always_eager = False  # publish for real, to a broker that is not there
    with broker_unreachable():
        response = client.post(
            reverse("account_signup"),
            {"email": "newcomer@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["newcomer@example.org"]]
