"""A facilitator's decision reaches its author through a real Celery worker and Redis:
hiding a log from the moderation page emails the author once."""

import time
from collections import Counter

from django.urls import reverse

from tests.factories import CircleFactory, FacilitatorFactory, MembershipFactory, UserFactory
from tests.notifications import test_worker as real_worker
from tests.notifications.conftest import at, log_in
from tests.notifications.test_worker import sent_to, wait_until

# The real worker's fixtures and marks (Redis and PostgreSQL, or skipped with a reason).
pytestmark = real_worker.pytestmark
mail_dir, start_worker, worker = real_worker.mail_dir, real_worker.start_worker, real_worker.worker


def test_hiding_a_log_emails_its_author_once_through_the_worker(worker, mail_dir, client):
    circle = CircleFactory()
    facilitator, author = UserFactory(), UserFactory()
    FacilitatorFactory(circle=circle, member=facilitator, joined_at=at(1))
    MembershipFactory(circle=circle, member=author, joined_at=at(1))
    log = log_in(circle, author, published_at=at(20), title="Handover huddle")
    client.force_login(facilitator)

    url = reverse("facilitation:log_hide", kwargs={"slug": circle.slug, "pk": log.pk})
    page = client.post(url, {"reason": "It names a patient."})

    assert page.status_code == 302
    wait_until(lambda: sent_to(mail_dir)[author.email] == 1, worker, "the author's email")
    time.sleep(1.5)
    assert sent_to(mail_dir) == Counter({author.email: 1})
