"""Deciding on what was reported reads the report's notification for every facilitator of
the circle: the bell stops counting it and the inbox no longer shows it as new."""

import pytest
from django.urls import reverse

from facilitation import services
from facilitation.models import ReportReason
from notifications.inbox import unread_count

pytestmark = pytest.mark.django_db


def _facilitators(world):
    return [world.facilitator, world.co_facilitator.member]


def test_hiding_then_restoring_a_reported_log_reads_the_report_for_every_facilitator(client, world):
    services.report_create(reporter=world.member, log=world.log, reason=ReportReason.OTHER)
    assert [unread_count(f) for f in _facilitators(world)] == [2, 2]  # the log and the response
    client.force_login(world.facilitator)
    client.post(
        reverse("facilitation:log_hide", args=[world.circle.slug, world.log.pk]),
        {"reason": "Names a patient"},
    )
    client.post(reverse("facilitation:log_restore", args=[world.circle.slug, world.log.pk]))
    # The report on the log is decided; the one on the response still waits.
    assert [unread_count(f) for f in _facilitators(world)] == [1, 1]
    inbox = client.get(reverse("inbox:list")).content.decode()
    assert inbox.count(">New</span>") == 1


def test_dismissing_a_report_reads_it_for_every_facilitator(world):
    assert [unread_count(f) for f in _facilitators(world)] == [1, 1]
    services.report_dismiss(actor=world.co_facilitator.member, report=world.report)
    assert [unread_count(f) for f in _facilitators(world)] == [0, 0]


def test_hiding_a_reported_response_reads_the_report_but_not_other_notifications(world):
    services.report_create(reporter=world.member, log=world.log, reason=ReportReason.OTHER)
    services.content_hide(actor=world.facilitator, response=world.response, reason="Unkind")
    assert [unread_count(f) for f in _facilitators(world)] == [1, 1]  # the log's report waits
