"""Digest runs in the admin: start a run, watch it live, preview any member's digest."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from notifications.forms import DigestPreviewForm, DigestRunStartForm
from notifications.models import (
    DigestDelivery,
    DigestRun,
    ModerationNotification,
    Notification,
    NudgeDelivery,
    ResponseNotification,
)
from notifications.selectors import digest_week_next
from notifications.services.digests import digest_preview, digest_run_start, digest_span
from school.middleware import csp_update


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = [
        "week", "state", "total", "sent", "skipped", "failed", "started_by", "created_at",
        "finished_at", "progress_link", "error",
    ]  # fmt: skip
    list_filter = ["state"]
    date_hierarchy = "week"
    readonly_fields = [f.name for f in DigestRun._meta.fields]
    change_list_template = "admin/notifications/digestrun/change_list.html"

    def has_add_permission(self, request):
        return False  # runs are started with "Start the run", never typed in

    @admin.display(description="Progress")
    def progress_link(self, run):
        url = reverse("admin:notifications_digestrun_progress", args=[run.pk])
        return format_html('<a href="{}">Watch ({}%)</a>', url, run.percent)

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("start/", view(self.start_view), name="notifications_digestrun_start"),
            path("preview/", view(self.preview_view), name="notifications_digestrun_preview"),
            path(
                "<int:pk>/progress/",
                view(self.progress_view),
                name="notifications_digestrun_progress",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        next_week = digest_week_next()
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "next_week": next_week,
            "next_span": digest_span(next_week),
            **extra,
        }

    @staticmethod
    def _require(request, perm):
        if not request.user.has_perm(f"notifications.{perm}_digestrun"):
            raise PermissionDenied

    def start_view(self, request):
        self._require(request, "add")
        form = DigestRunStartForm(request.POST or None, initial={"week": digest_week_next()})
        if request.method == "POST" and form.is_valid():
            run = digest_run_start(week=form.cleaned_data["week"], started_by=request.user)
            messages.success(
                request,
                f"The digest for the week of {run.week:%d %B %Y} has started. A member who "
                "already has this week's digest is not sent another.",
            )
            return redirect("admin:notifications_digestrun_progress", pk=run.pk)
        return TemplateResponse(
            request,
            "admin/notifications/digestrun/start.html",
            self._context(request, form=form, title="Start the weekly digest"),
        )

    # The email's HTML part (shown in a sandboxed srcdoc frame, which inherits this page's
    # policy) is styled inline, as emails must be; scripts stay refused.
    @csp_update(style_src=["'unsafe-inline'"])
    def preview_view(self, request):
        self._require(request, "view")
        form = DigestPreviewForm(request.GET or None, initial={"week": digest_week_next()})
        content = message = None
        if request.GET and form.is_valid():
            content, message = digest_preview(
                member=form.cleaned_data["member"], week=form.cleaned_data["week"]
            )
        html = message.alternatives[0][0] if message else ""
        return TemplateResponse(
            request,
            "admin/notifications/digestrun/preview.html",
            self._context(
                request,
                form=form,
                content=content,
                message=message,
                html=html,
                unsubscribe_header=message.extra_headers.get("List-Unsubscribe") if message else "",
                searched=bool(request.GET) and form.is_valid(),
                title="Preview a member's digest",
            ),
        )

    def progress_view(self, request, pk):
        self._require(request, "view")
        run = get_object_or_404(DigestRun.objects.select_related("started_by"), pk=pk)
        template = (
            "admin/notifications/digestrun/_progress.html"
            if request.htmx
            else "admin/notifications/digestrun/progress.html"
        )
        return TemplateResponse(
            request,
            template,
            self._context(
                request,
                run=run,
                poll_url=reverse("admin:notifications_digestrun_progress", args=[run.pk]),
                # Without the state: the heading stays true while the poll updates the rest.
                title=f"Digest for the week of {run.week:%d %b %Y}",
            ),
        )


class _DeliveryAdmin(admin.ModelAdmin):
    """Rows that sending claims and writes: looked at, never added by hand. Searched by the
    recipient's email (``recipient``, the field naming her), shown with her profile."""

    recipient = "recipient"
    search_also: tuple[str, ...] = ()
    select_also: tuple[str, ...] = ()

    def get_search_fields(self, request):
        return [f"{self.recipient}__email", *self.search_also]

    def get_list_select_related(self, request):
        return [f"{self.recipient}__profile", *self.select_also]

    def has_add_permission(self, request):
        return False


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(_DeliveryAdmin):
    recipient = "member"
    select_also = ("run",)
    list_display = ["week", "member", "status", "claimed_at", "sent_at", "run"]
    list_filter = ["status", "week"]
    raw_id_fields = ["member", "run"]


@admin.register(NudgeDelivery)
class NudgeDeliveryAdmin(_DeliveryAdmin):
    recipient = "member"
    search_also = ("subject_key",)
    list_display = ["day", "kind", "member", "subject_key", "status", "sent_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["member", "circle", "log"]


@admin.register(ResponseNotification)
class ResponseNotificationAdmin(_DeliveryAdmin):
    select_also = ("response__log",)
    list_display = ["response", "recipient", "status", "claimed_at", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["response", "recipient"]


@admin.register(ModerationNotification)
class ModerationNotificationAdmin(_DeliveryAdmin):
    select_also = ("circle",)
    list_display = ["decided_at", "recipient", "hidden", "circle", "status", "sent_at"]
    list_filter = ["status", "hidden"]
    raw_id_fields = ["recipient", "circle", "log", "response"]


@admin.register(Notification)
class NotificationAdmin(_DeliveryAdmin):
    """In-app notifications, to look into what someone was told (read-only)."""

    select_also = ("actor__profile", "circle")
    list_display = ("created_at", "recipient", "verb", "actor", "circle", "read_at")
    list_filter = ("verb",)
    raw_id_fields = ("recipient", "actor", "circle", "log", "response", "lesson")
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False
