"""Three submissions of the account deletion form at once, while her erasure runs: one
starts it, the others are told it is already under way, and none of them fails."""

import threading

import pytest
from allauth.core import ratelimit
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.urls import reverse

from members.models import User
from privacy.models import Erasure, ErasureMode
from privacy.services.erasure import erasure_request, erasure_run
from tests.factories import PASSWORD, CircleFactory, MembershipFactory


def _tabs(member, n: int) -> list[Client]:
    """``n`` tabs of one browser: one signed-in session, shared."""
    first = Client(raise_request_exception=False)
    first.force_login(member)
    others = [Client(raise_request_exception=False) for _ in range(n - 1)]
    for tab in others:
        tab.cookies = first.cookies
    return [first, *others]


@pytest.mark.django_db(transaction=True)
def test_three_deletions_posted_at_once(postgres_only, settings):
    settings.PRIVACY_BATCH_SIZE = 5
    member = MembershipFactory(circle=CircleFactory()).member
    browsers = _tabs(member, 3)
    barrier = threading.Barrier(3)
    pages = []

    def post(browser):
        try:
            barrier.wait(timeout=10)
            page = browser.post(
                reverse("privacy:delete_account"),
                {"mode": ErasureMode.REMOVE, "password": PASSWORD},
                follow=True,
            )
            pages.append((page.status_code, page.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in pages] == [200, 200, 200]
    # The two that lost the race are told it is under way; the winner's page, followed
    # while her erasure runs, may say so too.
    under_way = [html for _, html in pages if "already being deleted" in html]
    assert len(under_way) >= 2
    assert Erasure.objects.count() == 1
    erasure_run(erasure_id=Erasure.objects.get().pk)
    assert not User.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("erasure_finished", [False, True])
def test_a_tab_that_loaded_her_before_another_tab_deleted_her_account(
    db, settings, monkeypatch, erasure_finished
):
    """Her password was stored by an older hasher (checking it would store it afresh).
    Between this request loading her and checking the password, another tab's deletion
    starts her erasure (and, in one case, finishes it)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    member = MembershipFactory(circle=CircleFactory()).member
    User.objects.filter(pk=member.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    tab = Client(raise_request_exception=False)
    tab.force_login(User.objects.get(pk=member.pk))
    consume = ratelimit.consume

    def other_tab_first(request, **kwargs):
        if not Erasure.objects.exists():
            erasure = erasure_request(member=User.objects.get(pk=member.pk), mode="anonymise")
            if erasure_finished:
                erasure_run(erasure_id=erasure.pk)
        return consume(request, **kwargs)

    monkeypatch.setattr(ratelimit, "consume", other_tab_first)
    page = tab.post(
        reverse("privacy:delete_account"),
        {"mode": ErasureMode.REMOVE, "password": PASSWORD},
        follow=True,
    )
    assert page.status_code == 200
    assert "Your account is already being deleted." in page.content.decode()
    assert Erasure.objects.count() == 1
    left = User.objects.filter(pk=member.pk).first()
    assert left is None if erasure_finished else not left.has_usable_password()
