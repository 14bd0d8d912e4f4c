"""Reports and the audit log moved from circles to facilitation without losing a row: a
database with reports, audit entries and an author's email about one, migrated back to
before the move and forward again, keeps every one of them, now read through
facilitation's models (and the email's row records the decision itself)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from facilitation.models import ModerationAction, ModerationVerb, Report, ReportState
from notifications.models import ModerationNotification
from tests.factories import ActionLogFactory, CircleFactory, MembershipFactory, ResponseFactory

BEFORE = [
    ("circles", "0006_log_circle_shown_index"),
    ("notifications", "0005_moderationnotification"),
    ("facilitation", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_reports_and_audit_entries_survive_the_move_to_facilitation():
    circle = CircleFactory(name="Ward managers North")
    member = MembershipFactory(circle=circle).member
    log = ActionLogFactory(circle=circle, title="Handover huddle")
    response = ResponseFactory(log=log, body="Everyone copes.")

    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[:2]).apps
    OldReport = old.get_model("circles", "Report")
    OldAction = old.get_model("circles", "ModerationAction")
    report = OldReport.objects.create(
        circle_id=circle.pk, reporter_id=member.pk, response_id=response.pk, reason="unsafe"
    )
    action = OldAction.objects.create(
        circle_id=circle.pk,
        actor_id=member.pk,
        verb="hide",
        reason="Unsafe advice",
        target_response_id=response.pk,
        target_label="Suggestion on “Handover huddle”",
    )
    told = old.get_model("notifications", "ModerationNotification").objects.create(
        action_id=action.pk, recipient_id=response.author_id, status="sent"
    )
    # Going back gave the content types (and their permissions) back to circles.
    ContentType.objects.clear_cache()
    assert not ContentType.objects.filter(app_label="facilitation").exists()
    old_type = ContentType.objects.get(app_label="circles", model="report")
    permission = Permission.objects.get(content_type=old_type, codename="view_report")

    _migrate(_latest())

    moved = Report.objects.get(pk=report.pk)
    assert (moved.circle, moved.reporter, moved.response) == (circle, member, response)
    assert moved.state == ReportState.OPEN and moved.reason == "unsafe"
    entry = ModerationAction.objects.get(pk=action.pk)
    assert (entry.verb, entry.reason, entry.target_response) == (
        ModerationVerb.HIDE,
        "Unsafe advice",
        response,
    )
    assert list(circle.reports.all()) == [moved]
    # The author's email about it now records the decision itself.
    notification = ModerationNotification.objects.get(pk=told.pk)
    assert (notification.circle, notification.response, notification.log) == (
        circle,
        response,
        None,
    )
    assert notification.hidden and notification.reason == "Unsafe advice"
    assert notification.decided_at == entry.created_at and notification.status == "sent"
    assert list(circle.moderation_actions.all()) == [entry]
    # The content type (and the permissions on it) now name facilitation.
    ContentType.objects.clear_cache()
    permission.refresh_from_db()
    assert permission.content_type.app_label == "facilitation"
    assert ContentType.objects.get_for_model(Report).pk == old_type.pk
