"""Journey 5: an admin previews a member's weekly digest in the admin, starts the run and
watches its progress reach the end, while a real Celery worker sends the digests; a member
then stops the digest with the one-click unsubscribe link in it.

The worker runs in a thread of this test process (celery.contrib.testing), on whatever
broker the settings pick (Redis with REDIS_URL, kombu's filesystem transport without), so
its emails land in the same locmem outbox the test reads.
"""

import contextlib
import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from members.models import User
from notifications.models import DigestRun
from notifications.selectors import week_start
from tests.browser.helpers import (
    check_page,
    link_in_last_email,
    no_page_reload,
    person,
    role,
    sign_in,
)
from tests.factories import (
    PASSWORD,
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker(site, settings):
    """Start a real Celery worker (solo pool, queues celery and email) when the test says;
    it stops at the end of the test."""
    from celery.contrib.testing.worker import start_worker as celery_worker

    from school.celery import app

    settings.NOTIFICATIONS_DIGEST_BATCH_SIZE = 2  # several batches: progress moves in steps
    with app.connection_for_write() as conn:  # our own broker (REDIS_URL db / var dir) only
        for queue in ("celery", "email"):
            conn.default_channel.queue_purge(queue)
    with contextlib.ExitStack() as running:

        def start():
            running.enter_context(
                celery_worker(
                    app,
                    pool="solo",
                    concurrency=1,
                    perform_ping_check=False,
                    queues=["celery", "email"],
                    shutdown_timeout=30,
                )
            )

        yield start


def test_admin_previews_a_digest_then_runs_the_week_and_watches_it_finish(open_page, start_worker):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    members = [person(name, nurse) for name in ("Asha Patel", "Ben Adeyemi", "Cara Jones")]
    FacilitatorFactory(circle=circle, member=person("Grace Okafor", nurse))
    for member in members:
        MembershipFactory(circle=circle, member=member, joined_at=timezone.now() - dt.timedelta(60))
    last_week = timezone.make_aware(
        dt.datetime.combine(week_start() - dt.timedelta(days=3), dt.time(12))
    )
    log = ActionLogFactory(
        circle=circle, author=members[0], title="Handover huddle", published_at=last_week
    )
    ResponseFactory(log=log, author=members[1], created_at=last_week)
    ActionLogFactory(
        circle=circle,
        author=members[2],
        title="Rota swaps by text <img src=x onerror=alert(1)>",
        published_at=last_week,
    )
    person("Ada Admin", email="ada@example.org", is_staff=True, is_superuser=True)

    admin = open_page()
    sign_in(admin, email="ada@example.org", password=PASSWORD)
    admin.get_by_role("link", name="Admin").click()
    check_page(admin, heading="Site administration")
    admin.get_by_role("link", name="Digest runs").click()
    check_page(admin, heading="digest run")

    # Preview what Ben will get this week.
    admin.get_by_role("link", name="Preview a digest").click()
    check_page(admin, heading="Preview a member's digest")
    admin.get_by_label("Member's email address").fill("ben@example.org")
    admin.get_by_label("Week").fill(week_start().isoformat())
    admin.get_by_role("button", name="Preview").click()
    expect(admin.get_by_role("heading", name="Subject:")).to_be_visible()
    check_page(admin, heading="Preview a member's digest")
    expect(admin.get_by_text("To: ben@example.org")).to_be_visible()
    expect(admin.locator("pre")).to_contain_text("Rota swaps by text <img src=x")
    expect(admin.locator("pre img")).to_have_count(0)  # members' text is text, not markup
    assert mail.outbox == []  # a preview sends nothing

    # Start the run for this week and watch it, in place, until it is finished.
    admin.get_by_role("navigation", name="Breadcrumbs").get_by_role(
        "link", name="Digest runs"
    ).click()
    check_page(admin, heading="digest run")
    admin.get_by_role("link", name="Start the run").click()
    check_page(admin, heading="Start the weekly digest")
    admin.get_by_label("Week").fill(week_start().isoformat())
    admin.get_by_role("button", name="Start the run").click()
    expect(admin.locator(".messagelist")).to_contain_text("has started")
    check_page(admin)
    progress = admin.locator("#digest-progress")
    expect(progress.get_by_role("status")).to_contain_text("Queued")  # no worker yet

    # A worker picks the run up; the page follows it without being reloaded.
    with no_page_reload(admin):
        start_worker()
        expect(progress.get_by_role("status")).to_contain_text("Finished", timeout=60_000)
    run = DigestRun.objects.get()
    expect(progress.get_by_role("status")).to_contain_text(
        f"{run.total} of {run.total} members done (100%)"
    )
    expect(progress.get_by_role("progressbar")).to_have_attribute("value", "100")
    # Nothing on the page still says the run is queued: not the heading, not the title.
    expect(admin.locator("h1")).to_have_text(f"Digest for the week of {run.week:%d %b %Y}")
    expect(admin.locator("body")).not_to_contain_text("Queued")
    assert "Queued" not in admin.title()
    check_page(admin)

    # One digest each for the members who had something to read, none twice.
    digests = Counter(to for message in mail.outbox for to in message.to)
    assert run.total == 4 and run.sent == len(digests) >= 3
    assert set(digests.values()) == {1}

    # Ben stops the digest with the link in it, signed in or not.
    reader = open_page()
    reader.goto(link_in_last_email(to="ben@example.org", pattern="/email/unsubscribe/"))
    check_page(reader, heading="Stop")
    reader.get_by_role("button", name="Unsubscribe from").click()
    check_page(reader, heading="You are unsubscribed")
    expect(reader.get_by_role("status")).to_contain_text("We will not send you")
    ben = User.objects.get(email="ben@example.org")
    assert ben.profile.digest_enabled is False
