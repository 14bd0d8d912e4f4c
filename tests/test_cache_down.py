"""Signing in keeps working when Redis (the cache) is down: the cache degrades to none."""

import logging
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from school.settings import redis_cache
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache_down(settings):
    # The production cache settings, pointed at a port nothing listens on.
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:1/0")}
    # (the settings fixture's setting_changed signal rebuilds the cache handlers)
    yield caches["default"]


def test_sign_in_and_password_reset_work_while_the_cache_is_down(client, redis_cache_down):
    from django.core.cache import cache

    cache.set("k", "v")
    assert cache.get("k") is None  # writes dropped, reads miss: no exception
    UserFactory(email="matron@example.org")
    started = time.monotonic()
    response = client.post(
        reverse("account_login"), {"login": "matron@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.post(reverse("account_reset_password"), {"email": "matron@example.org"})
    assert response.status_code == 302
    assert time.monotonic() - started < 5  # no call waits long on a Redis that is not there


def test_an_unreachable_cache_is_logged_and_bounded_by_timeouts(redis_cache_down, caplog):
    options = redis_cache_down._params["OPTIONS"]
    assert options.get("SOCKET_CONNECT_TIMEOUT") and options.get("SOCKET_TIMEOUT")
    with caplog.at_level(logging.WARNING, logger="school.cache"):
        assert redis_cache_down.get("missing", "fallback") == "fallback"
    assert any(r.name == "school.cache" for r in caplog.records)
