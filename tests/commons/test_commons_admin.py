"""Staff find the reports on commons lessons and the withdrawals in the admin."""

import pytest
from django.urls import reverse

from commons.models import LessonReport, LessonWithdrawal
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_list_reports_and_withdrawals_and_resolve_a_report(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    lesson = LessonFactory(title="Reported lesson")
    report = LessonReport.objects.create(lesson=lesson, reporter=UserFactory(), reason="Names")
    LessonWithdrawal.objects.create(lesson=lesson, actor=staff, actor_kind="staff", reason="Why")
    client.force_login(staff)
    for name in ("lesson", "lessonreport", "lessonwithdrawal"):
        page = client.get(reverse(f"admin:commons_{name}_changelist"))
        assert page.status_code == 200
        assert "Reported lesson" in page.content.decode()
    client.post(
        reverse("admin:commons_lessonreport_changelist"),
        {"action": "mark_resolved", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.resolved_at is not None
