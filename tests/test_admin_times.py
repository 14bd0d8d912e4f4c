"""The admin writes times on the 24-hour clock, as the site's pages do."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import CircleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_shows_a_circles_creation_at_16_18_not_4_18_pm(client):
    CircleFactory(created_at=dt.datetime(2026, 12, 7, 16, 18, tzinfo=dt.UTC))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:circles_circle_changelist")).content.decode()
    assert "7 Dec 2026, 16:18" in html
    assert "p.m." not in html and "a.m." not in html
