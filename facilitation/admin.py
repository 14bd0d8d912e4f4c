from django.contrib import admin

from facilitation.models import ModerationAction, Report
from school.admin import ReadOnlyAdmin


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "circle", "actor", "verb", "target_label", "reason"]
    list_filter = ["verb", "circle"]
    search_fields = ["target_label", "reason", "actor__email"]
    list_select_related = ["circle", "actor__profile"]
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "circle", "reporter", "reason", "state", "resolved_at"]
    list_filter = ["state", "reason", "circle"]
    list_select_related = ["circle", "reporter__profile"]
    date_hierarchy = "created_at"
