"""The privacy page, the delete-my-account page and the staff's tools."""

import re

import pytest
from django.urls import reverse

from members.models import User
from privacy.models import DataExport, Erasure, ErasureState
from privacy.registry import EXPORTS, KEPT
from tests.factories import PASSWORD
from tests.privacy.conftest import ALICE_EMAIL, ALICE_NAME

SETTINGS_QUOTED = [
    "RETENTION_DELIVERY_DAYS",
    "RETENTION_READ_NOTIFICATION_DAYS",
    "RETENTION_EXPIRED_INVITE_DAYS",
    "PRIVACY_EXPORT_DAYS",
]


@pytest.mark.django_db
def test_the_privacy_page_quotes_the_retention_settings_the_code_uses(client, settings):
    settings.RETENTION_DELIVERY_DAYS = 123
    settings.RETENTION_READ_NOTIFICATION_DAYS = 45
    settings.RETENTION_EXPIRED_INVITE_DAYS = 6
    settings.PRIVACY_EXPORT_DAYS = 9
    settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS = 33
    settings.SESSION_COOKIE_AGE = 3 * 24 * 60 * 60
    page = client.get("/privacy/").content.decode()
    quoted = dict(re.findall(r'data-setting="(\w+)">(\d+) days', page))
    assert quoted == {
        **{name: str(getattr(settings, name)) for name in SETTINGS_QUOTED},
        "UNSUBSCRIBE_LINK_MAX_AGE_DAYS": "33",
        "SESSION_COOKIE_AGE": "3",
    }
    assert "sessionid" in page and "csrftoken" in page


@pytest.mark.django_db
def test_the_privacy_page_says_what_is_kept_of_meetings_and_the_learning_record(client):
    page = client.get("/privacy/").content.decode()
    what = page[page.index('id="what"') : page.index('id="who"')]
    for thing in (
        "going or not going",
        "meetings a facilitator recorded you at",
        "calendar feed",
        "CPD",
        "reflective accounts",
        "meeting reminder",
    ):
        assert thing in what, thing
    how_long = page[page.index('id="how-long"') : page.index('id="cookies"')]
    assert re.search(r"meetings.*attend.*learning record.*Until you delete", how_long, re.S)
    assert re.search(r"meeting reminders.*RETENTION_DELIVERY_DAYS.*after the meeting", how_long)


def test_every_export_file_is_named_on_the_privacy_page():
    """What the page says the school keeps is read from the registry the export uses: each
    export file under exactly one heading."""
    named = [name for kept in KEPT for name in kept.exports]
    assert sorted(named) == sorted(kind.name for kind in EXPORTS)


@pytest.mark.django_db
def test_the_page_is_linked_from_every_footer_and_from_sign_up(client):
    for url in ("/", reverse("account_signup"), reverse("account_login")):
        assert 'href="/privacy/"' in client.get(url).content.decode(), url


def test_deleting_needs_her_password(world, client):
    client.force_login(world.alice)
    url = reverse("privacy:delete_account")
    page = client.post(url, {"mode": "remove", "password": "not-it"})
    assert "That is not your password." in page.content.decode()
    assert User.objects.get(pk=world.alice.pk).is_active


def test_guessing_her_password_here_is_rate_limited(world, client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "3/m/user"}
    client.force_login(world.alice)
    url = reverse("privacy:delete_account")
    for _ in range(3):
        client.post(url, {"mode": "remove", "password": "guess"})
    page = client.post(url, {"mode": "remove", "password": PASSWORD})
    assert "Too many tries" in page.content.decode()
    assert User.objects.get(pk=world.alice.pk).is_active


def test_deleting_signs_her_out_and_says_so(
    world, client, tasks_run_at_once, django_capture_on_commit_callbacks
):
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("privacy:delete_account"),
            {"mode": "anonymise", "password": PASSWORD},
            follow=True,
        )
    assert "Your account is deleted" in page.content.decode()
    assert not page.context["user"].is_authenticated
    assert client.get(reverse("dashboard")).status_code == 302
    assert not User.objects.filter(pk=world.alice.pk).exists()
    assert Erasure.objects.get().state == ErasureState.DONE


def test_the_last_facilitator_is_told_to_hand_over(world, client):
    client.force_login(world.carol)
    url = reverse("privacy:delete_account")
    assert "only facilitator of Ward managers" in client.get(url).content.decode()
    page = client.post(url, {"mode": "remove", "password": PASSWORD})
    assert "make another member a co-facilitator" in page.content.decode()
    assert User.objects.get(pk=world.carol.pk).is_active


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client):
    for name in ("privacy:my_data", "privacy:delete_account"):
        assert client.get(reverse(name)).status_code == 302


def test_staff_run_an_export_and_an_erasure_from_the_member_admin(
    world,
    admin_client,
    admin_user,
    tasks_run_at_once,
    mailoutbox,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.PRIVACY_EXPORT_DIR = tmp_path
    changelist = reverse("admin:members_user_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            changelist, {"action": "export_data", "_selected_action": [world.alice.pk]}
        )
    export = DataExport.objects.get(member=world.alice)
    assert export.requested_by == admin_user
    assert [m.to for m in mailoutbox] == [[ALICE_EMAIL]]  # the link goes to her
    download = admin_client.get(reverse("admin:privacy_dataexport_download", args=[export.pk]))
    assert download.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            changelist, {"action": "erase_anonymise", "_selected_action": [world.alice.pk]}
        )
    erasure = Erasure.objects.get()
    assert erasure.by_staff and erasure.requested_by == admin_user
    assert erasure.state == ErasureState.DONE
    page = admin_client.get(reverse("admin:privacy_erasure_change", args=[erasure.pk]))
    assert ALICE_NAME not in page.content.decode()


def test_members_cannot_use_the_staff_download(world, client, settings, tmp_path):
    from privacy.services.exports import export_build, export_request

    settings.PRIVACY_EXPORT_DIR = tmp_path
    export = export_build(export_id=export_request(member=world.alice).pk)
    client.force_login(world.alice)
    url = reverse("admin:privacy_dataexport_download", args=[export.pk])
    assert client.get(url).status_code == 302  # to the admin's sign-in


def test_the_member_admin_shows_no_password_hash_or_keys(world, admin_client):
    page = admin_client.get(reverse("admin:members_user_change", args=[world.alice.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert world.alice.password not in html and "md5$" not in html
    assert "algorithm" not in html.lower()
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Email confirmations" not in index
