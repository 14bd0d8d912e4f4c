"""Staff run an export or an erasure for a member from the member admin (each recorded:
the export's or erasure's row names who ran it, and the admin's history keeps the
action); staff never see a member's password hash or email-confirmation keys."""

from allauth.account.models import EmailConfirmation
from django.contrib import admin, messages
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html

from members.admin import UserAdmin
from members.models import User
from privacy.models import DataExport, Erasure, ErasureMode, ExportState
from privacy.services.erasure import ErasureRefused, ErasureUnderWay, erasure_request
from privacy.services.exports import export_request
from school.admin import ReadOnlyAdmin

if admin.site.is_registered(EmailConfirmation):
    admin.site.unregister(EmailConfirmation)  # it lists confirmation keys
admin.site.unregister(User)


@admin.register(User)
class MemberAdmin(UserAdmin):
    """The member admin without the password field (no hash, not even its summary)."""

    fieldsets = tuple(
        (name, {**options, "fields": tuple(f for f in options["fields"] if f != "password")})
        for name, options in UserAdmin.fieldsets
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["export_data", "erase_anonymise", "erase_remove"]

    @admin.action(description="Email the selected members a copy of their data")
    def export_data(self, request, queryset):
        for member in queryset:
            export_request(member=member, requested_by=request.user)
            self.log_change(request, member, "Asked for a copy of the member's data.")
        self.message_user(request, f"Export queued for {queryset.count()} member(s).")

    @admin.action(description="Delete the selected accounts, keeping contributions anonymised")
    def erase_anonymise(self, request, queryset):
        self._erase(request, queryset, ErasureMode.ANONYMISE)

    @admin.action(description="Delete the selected accounts and everything they wrote")
    def erase_remove(self, request, queryset):
        self._erase(request, queryset, ErasureMode.REMOVE)

    def _erase(self, request, queryset, mode):
        for member in queryset:
            if member.pk == request.user.pk:
                self.message_user(request, "You cannot erase yourself here.", messages.ERROR)
                continue
            try:
                erasure_request(member=member, mode=mode, requested_by=request.user)
            except ErasureUnderWay:
                self.message_user(request, f"Account {member.pk} is already being erased.")
            except ErasureRefused as refusal:
                self.message_user(request, f"{member.pk}: {refusal}", messages.ERROR)
            else:
                self.message_user(request, f"Account {member.pk} is being erased.")


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ["pk", "member", "requested_by", "state", "created_at", "expires_at", "file"]
    list_filter = ["state"]
    list_select_related = ["member__profile", "requested_by__profile"]
    readonly_fields = [f.name for f in DataExport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Zip")
    def file(self, export):
        if export.state != ExportState.READY:
            return "—"
        url = reverse("admin:privacy_dataexport_download", args=[export.pk])
        return format_html('<a href="{}">Download (recorded)</a>', url)

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/", download, name="privacy_dataexport_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        export = DataExport.objects.filter(pk=pk, state=ExportState.READY).first()
        if export is None or not self.has_view_permission(request, export):
            raise Http404("No such export")
        if not export.path or not export.path.exists():
            raise Http404("No such export")
        self.log_change(request, export, "Downloaded the export.")
        return FileResponse(export.path.open("rb"), as_attachment=True, filename="export.zip")


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = [
        "pk", "mode", "state", "step", "batches", "by_staff", "requested_by", "created_at",
        "finished_at",
    ]  # fmt: skip
    list_filter = ["state", "mode", "by_staff"]
    list_select_related = ["requested_by__profile"]
    fields = [
        "mode", "state", "step", "batches", "progressed_at", "by_staff", "requested_by",
        "counts", "created_at", "finished_at",
    ]  # fmt: skip
    readonly_fields = fields
