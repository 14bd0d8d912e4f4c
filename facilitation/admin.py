from django.contrib import admin

from facilitation.models import ModerationAction, Report


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: never added or edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
