from django.contrib import admin

from record.models import CpdEntry, RecordSettings, ReflectiveAccount


@admin.register(ReflectiveAccount)
class ReflectiveAccountAdmin(admin.ModelAdmin):
    list_display = ["title", "member", "event_date"]
    list_select_related = ["member"]
    raw_id_fields = ["member", "log"]


@admin.register(CpdEntry)
class CpdEntryAdmin(admin.ModelAdmin):
    list_display = ["activity", "member", "date", "hours", "participatory"]
    list_select_related = ["member"]
    raw_id_fields = ["member", "log"]


@admin.register(RecordSettings)
class RecordSettingsAdmin(admin.ModelAdmin):
    list_display = ["member", "hours_target", "participatory_target", "revalidation_due"]
    list_select_related = ["member"]
    raw_id_fields = ["member"]
