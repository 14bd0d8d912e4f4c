"""Staff see the commons here: lessons, the reports on them and the audit of withdrawals.
Withdrawing is done on the lesson's page, where a reason is asked and sent to the author;
nothing here edits what a member wrote."""

from django.contrib import admin
from django.utils import timezone

from commons.models import Lesson, LessonReport, LessonWithdrawal
from school.admin import ReadOnlyAdmin


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ["title", "state", "credit", "role", "region", "shared_at", "author"]
    list_filter = ["state", "credit", "region", "role"]
    search_fields = ["title"]
    list_select_related = ["role", "author__profile"]
    date_hierarchy = "shared_at"
    exclude = ["source_log", "circle"]


@admin.register(LessonReport)
class LessonReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "lesson", "reporter", "reason", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["lesson", "reporter__profile"]
    date_hierarchy = "created_at"
    actions = ["mark_resolved"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff  # for the action only: every field is read-only

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description="Mark as dealt with")
    def mark_resolved(self, request, queryset):
        queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())


@admin.register(LessonWithdrawal)
class LessonWithdrawalAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "lesson", "actor", "actor_kind", "reason"]
    list_filter = ["actor_kind"]
    list_select_related = ["lesson", "actor__profile"]
    date_hierarchy = "created_at"
