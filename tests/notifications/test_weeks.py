"""Weeks a digest may be for: Mondays from the school's first week to a year ahead. Any
other week is refused with a clear message before anything is claimed; a batch that fails
in a way a retry would repeat releases its claims, stops its run, and the sweep leaves it."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from notifications import tasks
from notifications.models import DeliveryStatus, DigestDelivery, DigestRun, DigestRunState
from notifications.services.digests import digest_run_begin, digest_send_batch
from tests.factories import UserFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db

START = reverse("admin:notifications_digestrun_start")
PREVIEW = reverse("admin:notifications_digestrun_preview")
OUT_OF_RANGE = ["0001-01-01", "0001-W01", "9999-12-31", "9999-W52", "2020-01-06", "2028-01-03"]


@pytest.fixture
def staff(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


@pytest.mark.parametrize("week", OUT_OF_RANGE)
def test_preview_refuses_a_week_out_of_range_with_a_message(client, staff, frozen, circle, week):
    reader = member_of(circle)

    page = client.get(PREVIEW, {"member": reader.email, "week": week})

    assert page.status_code == 200
    assert "Choose a week from 5 January 2026 to 22 November 2027" in page.content.decode()


@pytest.mark.parametrize("week", OUT_OF_RANGE)
def test_start_refuses_a_week_out_of_range_and_starts_nothing(client, staff, frozen, week):
    page = client.post(START, {"week": week})

    assert page.status_code == 200
    assert "Choose a week from 5 January 2026 to 22 November 2027" in page.content.decode()
    assert not DigestRun.objects.exists()


def test_a_day_that_is_not_a_monday_is_refused_with_its_monday_named(client, staff, frozen):
    page = client.post(START, {"week": "2026-11-25"})

    assert "25 November 2026 is a Wednesday: enter the Monday of its week, 23 November 2026" in (
        page.content.decode()
    )
    assert not DigestRun.objects.exists()
    assert client.post(START, {"week": "2026-W48"}).status_code == 302  # a Monday
    assert DigestRun.objects.get().week == WEEK


def test_the_week_input_offers_only_mondays_in_range(client, staff, frozen):
    page = client.get(START).content.decode()

    assert 'min="2026-01-05"' in page and 'max="2027-11-22"' in page and 'step="7"' in page


def test_command_refuses_a_week_out_of_range_and_records_nothing(frozen, circle):
    member_of(circle)

    with pytest.raises(CommandError, match="Choose a week from 5 January 2026"):
        call_command("send_weekly_digest", "--week", "9999-12-31")

    assert not DigestRun.objects.exists() and not DigestDelivery.objects.exists()


def test_a_batch_that_fails_for_good_releases_its_claims_and_the_sweep_leaves_the_run(
    circle, monkeypatch
):
    """A week that got past the checks (here, straight into the service) breaks the batch
    after its claims were taken: they are released as failed with the error, the run is
    stopped and shown so in the admin, and the sweep does not try it again and again."""
    fanned_out = []
    monkeypatch.setattr(
        tasks.digest_send_batch_task, "apply_async", lambda **kw: fanned_out.append(kw)
    )
    far = dt.date(9999, 12, 27)
    reader = member_of(circle)
    log_in(circle, member_of(circle), published_at=at(20))
    with time_machine.travel(at(23, 7), tick=False):
        run = DigestRun.objects.create(week=far)
        digest_run_begin(run_id=run.pk)
        with pytest.raises(OverflowError):
            digest_send_batch(week=far, member_ids=[reader.pk], run_id=run.pk, token="t1")

    delivery = DigestDelivery.objects.get(member=reader)
    assert delivery.status == DeliveryStatus.FAILED and "OverflowError" in delivery.error
    run.refresh_from_db()
    assert run.state == DigestRunState.STOPPED and "OverflowError" in run.error

    for hour in (8, 9, 12):
        with time_machine.travel(at(23, hour), tick=False):
            tasks.sweep_task()
    assert fanned_out == []
    assert DigestRun.objects.get(pk=run.pk).state == DigestRunState.STOPPED


def test_the_admin_shows_a_stopped_run_and_its_error(client, staff):
    run = DigestRun.objects.create(
        week=WEEK, state=DigestRunState.STOPPED, error="OverflowError: date value out of range"
    )

    listing = client.get(reverse("admin:notifications_digestrun_changelist")).content.decode()
    progress = client.get(
        reverse("admin:notifications_digestrun_progress", args=[run.pk])
    ).content.decode()

    for page in (listing, progress):
        assert "Stopped by an error" in page
        assert "OverflowError: date value out of range" in page
    assert "hx-trigger" not in progress  # nothing more will happen: no polling
