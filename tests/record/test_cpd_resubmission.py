"""Adding CPD hours and saving a new reflective account carry a one-time token: the same
form posted again adds nothing."""

import re

import pytest
from django.urls import reverse

from record.models import CpdEntry, ReflectiveAccount
from tests.factories import UserFactory
from tests.record.test_record import _save_account, frozen, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_same_cpd_form_posted_twice_adds_the_hours_once(client):
    nurse = UserFactory()
    client.force_login(nurse)
    url = reverse("record:cpd_add")
    token = re.search(r'name="once" value="([^"]+)"', client.get(url).content.decode()).group(1)
    data = {"activity": "Reading on safe staffing", "date": "2026-11-02", "hours": "2.5"}
    for _ in range(2):
        page = client.post(url, {**data, "once": token})
        assert page.status_code == 302 and page["Location"] == reverse("record:page")
    assert CpdEntry.objects.filter(member=nurse).count() == 1


def test_the_same_reflective_account_form_posted_twice_saves_one_account(client, world):  # noqa: F811
    circle, facilitator, nurse, first, _ = world
    client.force_login(nurse)
    url = f"{reverse('record:account_new')}?log={first.pk}"
    token = re.search(r'name="once" value="([^"]+)"', client.get(url).content.decode()).group(1)
    pages = [_save_account(client, nurse, first, once=token) for _ in range(2)]
    account = ReflectiveAccount.objects.get(member=nurse)
    check = reverse("record:account_check", args=[account.pk])
    assert [page["Location"] for page in pages] == [check, check]
