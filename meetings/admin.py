from django.contrib import admin

from meetings.models import AgendaItem, Attendance, Meeting, MeetingReminder, Occurrence, Rsvp


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    fields = ["starts_at", "ends_at", "status", "sequence"]
    readonly_fields = ["sequence"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "circle", "first_start", "rule"]
    list_select_related = ["circle"]
    raw_id_fields = ["circle", "created_by"]
    inlines = [OccurrenceInline]


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "circle", "starts_at", "status", "sequence"]
    list_select_related = ["meeting", "circle"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "circle"]


for model in (Rsvp, Attendance, AgendaItem, MeetingReminder):
    admin.site.register(model, raw_id_fields=[f.name for f in model._meta.fields if f.many_to_one])
