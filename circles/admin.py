from django import forms
from django.contrib import admin
from django.db.models import Count, Q

from circles.forms import TagsField
from circles.models import (
    ActionLog,
    Circle,
    Invite,
    Membership,
    MembershipState,
    Response,
)

# --- circles, memberships, invites, moderation records -------------------------------------

# Paths under /circles/ that are not circle pages: a circle with one of these slugs would be
# unreachable.
RESERVED_SLUGS = {"invite", "my-logs", "new", "logs", "search", "feed"}


class CircleAdminForm(forms.ModelForm):
    tags = TagsField(label="Tags", required=False)

    class Meta:
        model = Circle
        fields = "__all__"  # noqa: DJ007

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                "That web address is used by the site itself; please choose another."
            )
        return slug


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["member", "kind", "state", "joined_at"]
    raw_id_fields = ["member"]
    show_change_link = True

    def get_queryset(self, request):
        # Each row's title names the member and the circle.
        return super().get_queryset(request).select_related("member__profile", "circle")


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    form = CircleAdminForm
    list_display = ["name", "status", "join_policy", "active_members", "capacity", "created_at"]
    list_filter = ["status", "join_policy", "roles"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["roles"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["created_by"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "purpose", "roles", "tags")}),
        ("Joining", {"fields": ("join_policy", "entry_question", "capacity")}),
        ("Rhythm and status", {"fields": ("rhythm_weekday", "status")}),
        ("Record", {"fields": ("created_by", "created_at")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _active=Count(
                    "memberships",
                    filter=Q(memberships__state=MembershipState.ACTIVE),
                    distinct=True,
                )
            )
        )

    @admin.display(description="Active members", ordering="_active")
    def active_members(self, obj):
        return obj._active

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "circle", "kind", "state", "joined_at", "updated_at"]
    list_filter = ["state", "kind", "circle"]
    search_fields = ["member__email", "member__profile__display_name", "circle__name"]
    list_select_related = ["member__profile", "circle"]
    raw_id_fields = ["member", "circle", "decided_by"]
    readonly_fields = ["created_at", "updated_at", "last_asked_to_respond_at"]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    """Invites are created and withdrawn from the circle's invite page (which records the
    decision); here staff can look them up."""

    list_display = ["circle", "created_by", "created_at", "expires_at", "revoked_at", "uses"]
    list_filter = ["circle"]
    list_select_related = ["circle", "created_by__profile"]
    readonly_fields = ["circle", "created_by", "created_at", "expires_at", "revoked_at", "uses"]
    exclude = ["key"]

    def has_add_permission(self, request):
        return False


# --- action logs and responses --------------------------------------------------------------


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    fields = ["author", "kind", "body", "created_at", "helpful_at", "is_hidden"]
    # Who wrote a response is a fact, not something staff may change (or invent).
    readonly_fields = ["author", "created_at", "helpful_at", "is_hidden"]

    def has_add_permission(self, request, obj=None):
        return False

    show_change_link = True


@admin.register(ActionLog)
class ActionLogAdmin(admin.ModelAdmin):
    """Staff can look logs up and correct them; hiding, pinning and locking are decisions
    made (and recorded) from the facilitators' pages."""

    list_display = ["title", "circle", "author", "state", "published_at", "edited_at", "is_hidden"]
    list_filter = ["state", "is_hidden", "circle"]
    search_fields = ["title", "author__email", "author__profile__display_name", "circle__name"]
    list_select_related = ["circle", "author__profile"]
    raw_id_fields = ["circle", "author", "follows"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "state", "created_at", "updated_at", "published_at", "edited_at",
        "is_hidden", "hidden_reason", "pinned_at", "locked_at",
    ]  # fmt: skip
    inlines = [ResponseInline]

    def get_readonly_fields(self, request, obj=None):
        # Moving a log to another circle would show it to the wrong people (and leave its
        # reports with the old circle's facilitators); changing its author impersonates.
        fixed = ["circle", "author"] if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]

    fieldsets = (
        (None, {"fields": ("circle", "author", "follows", "title", "tags")}),
        (
            "The cycle",
            {
                "fields": (
                    "situation",
                    "action",
                    "prediction",
                    "outcome",
                    "insight",
                    "next_step",
                    "next_step_due",
                    "ask",
                )  # fmt: skip
            },
        ),
        (
            "Record",
            {
                "fields": (
                    "state",
                    "created_at",
                    "updated_at",
                    "published_at",
                    "edited_at",
                    "is_hidden",
                    "hidden_reason",
                    "pinned_at",
                    "locked_at",
                )  # fmt: skip
            },
        ),
    )


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "kind", "created_at", "helpful_at", "is_hidden"]
    list_filter = ["kind", "is_hidden", "log__circle"]
    search_fields = ["body", "author__email", "log__title"]
    list_select_related = ["log__circle", "author__profile"]
    raw_id_fields = ["log", "author", "parent"]
    readonly_fields = ["created_at", "edited_at", "helpful_at", "is_hidden", "hidden_reason"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["log", "author"] if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]
