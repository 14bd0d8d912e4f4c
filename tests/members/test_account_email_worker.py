"""Account emails through a real Celery worker and Redis: a sign-up, new address or
registered one, leaves exactly one email to the worker, which sends it."""

import os
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.notifications.test_worker import (  # noqa: F401 (fixtures)
    mail_dir,
    sent_to,
    start_worker,
    wait_until,
    worker,
)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs Redis: start it (redis-server --port 6379) and set "
        "REDIS_URL=redis://127.0.0.1:6379/<your db>",
    ),
]


@pytest.fixture
def _account_emails_sent_at_once():
    """Not here: the real worker sends them."""


def test_the_worker_sends_the_one_email_of_each_sign_up(worker, mail_dir):  # noqa: F811
    UserFactory(email="taken@example.org")
    for email in ("taken@example.org", "newcomer@example.org"):
        response = Client().post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == 302

    expected = Counter({"taken@example.org": 1, "newcomer@example.org": 1})
    wait_until(lambda: sent_to(mail_dir) == expected, worker, "both account emails")
