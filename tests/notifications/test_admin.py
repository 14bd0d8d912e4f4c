"""The digest in the admin: preview any member's digest, start a run, watch its progress."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import DigestRun, DigestRunState
from notifications.services.digests import digest_run_begin, digest_send_batch
from tests.factories import UserFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db

START = reverse("admin:notifications_digestrun_start")
PREVIEW = reverse("admin:notifications_digestrun_preview")


@pytest.fixture
def staff(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


@pytest.fixture
def enqueued(monkeypatch):
    from notifications import tasks

    calls = []
    monkeypatch.setattr(tasks.digest_run_fanout_task, "apply_async", lambda **kw: calls.append(kw))
    return calls


def test_changelist_offers_start_and_preview_and_lists_past_runs(client, staff):
    DigestRun.objects.create(week=WEEK, state=DigestRunState.FINISHED, total=3, sent=2)
    page = client.get(reverse("admin:notifications_digestrun_changelist"))
    assert page.status_code == 200
    assert START.encode() in page.content and PREVIEW.encode() in page.content
    run = DigestRun.objects.get()
    progress = reverse("admin:notifications_digestrun_progress", args=[run.pk])
    assert f'href="{progress}"'.encode() in page.content  # watch any run, past or present


def test_preview_renders_any_members_digest_and_sends_nothing(client, staff, frozen, circle):
    reader = member_of(circle)
    log_in(circle, member_of(circle), published_at=at(20), title="Previewed <b>log</b>")
    page = client.get(PREVIEW, {"member": reader.email, "week": "2026-11-23"})
    assert page.status_code == 200
    assert b"Subject: A log waiting for a response" in page.content
    assert b"srcdoc=" in page.content and b"Previewed &amp;lt;b&amp;gt;log" in page.content
    assert mail.outbox == []
    nobody = client.get(PREVIEW, {"member": "nobody@example.org", "week": "2026-11-23"})
    assert b"No member has that email address." in nobody.content


def test_start_creates_a_run_queues_it_after_commit_and_shows_progress(
    client, staff, enqueued, django_capture_on_commit_callbacks
):
    assert client.get(START).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(START, {"week": "2026-11-23"})
    run = DigestRun.objects.get()
    assert (run.week, run.started_by, run.state) == (WEEK, staff, DigestRunState.QUEUED)
    assert page["Location"] == reverse("admin:notifications_digestrun_progress", args=[run.pk])
    assert enqueued == [{"args": (run.pk,), "kwargs": None, "countdown": None}]
    progress = client.get(page["Location"])
    assert b"htmx.min.js" in progress.content and b'hx-trigger="every 2s"' in progress.content


def test_progress_partial_polls_until_the_run_is_finished(client, staff, frozen, circle):
    members = [member_of(circle) for _ in range(3)]
    log_in(circle, members[0], published_at=at(20))
    run = DigestRun.objects.create(week=WEEK, started_by=staff)
    digest_run_begin(run_id=run.pk)
    url = reverse("admin:notifications_digestrun_progress", args=[run.pk])

    partial = client.get(url, headers={"HX-Request": "true"})
    assert b"Running</strong>: 0 of 3" in partial.content
    assert b'hx-trigger="every 2s"' in partial.content and b"<html" not in partial.content

    digest_send_batch(week=WEEK, member_ids=[m.pk for m in members], run_id=run.pk)
    from notifications.services.digests import digest_run_refresh

    digest_run_refresh(run_id=run.pk)
    done = client.get(url, headers={"HX-Request": "true"})
    assert b"Finished</strong>: 3 of 3" in done.content
    assert b"hx-trigger" not in done.content  # polling stops


def test_progress_page_names_the_state_only_where_the_poll_refreshes_it(client, staff):
    """The heading and the window title do not say "Queued" above a finished run: the
    state is shown only in the part that the poll replaces."""
    run = DigestRun.objects.create(week=WEEK, started_by=staff)
    url = reverse("admin:notifications_digestrun_progress", args=[run.pk])
    page = client.get(url).content.decode()
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Queued" in polled
    assert page.count("Queued") == polled.count("Queued")
    assert "<h1>Digest for the week of 23 Nov 2026</h1>" in page


@pytest.mark.parametrize("who", ["anonymous", "member", "staff_without_permission"])
def test_non_staff_are_refused_everything(client, who, enqueued):
    run = DigestRun.objects.create(week=WEEK)
    if who == "member":
        client.force_login(UserFactory())
    elif who == "staff_without_permission":
        client.force_login(UserFactory(is_staff=True))
    progress = reverse("admin:notifications_digestrun_progress", args=[run.pk])
    for url in (START, PREVIEW, progress):
        page = client.get(url)
        if who == "staff_without_permission":
            assert page.status_code == 403
        else:
            assert page.status_code == 302 and "/admin/login/" in page["Location"]
    client.post(START, {"week": "2026-11-23"})
    assert DigestRun.objects.count() == 1 and enqueued == []


def test_progress_is_a_whole_page_unless_htmx_asks_for_the_partial(client, staff):
    run = DigestRun.objects.create(week=WEEK, started_by=staff)
    url = reverse("admin:notifications_digestrun_progress", args=[run.pk])
    assert b"<html" in client.get(url).content
    assert b"<html" in client.get(url, headers={"HX-Request": "false"}).content
    assert b"<html" not in client.get(url, headers={"HX-Request": "true"}).content
