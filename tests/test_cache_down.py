"""Signing in keeps working when Redis (the cache) is down: the cache degrades to none."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "school.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # (the settings fixture's setting_changed signal rebuilds the cache handlers)
    yield caches["default"]


def test_sign_in_and_password_reset_work_while_the_cache_is_down(client, redis_cache_down):
    from django.core.cache import cache

    cache.set("k", "v")
    assert cache.get("k") is None  # writes dropped, reads miss: no exception
    UserFactory(email="matron@example.org")
    response = client.post(
        reverse("account_login"), {"login": "matron@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.post(reverse("account_reset_password"), {"email": "matron@example.org"})
    assert response.status_code == 302
