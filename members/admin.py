from allauth.account import admin as allauth_admin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from members.models import Profile, Role, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    filter_horizontal = ["roles"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "profile__display_name"]
    list_select_related = ["profile"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "slug"]
    list_filter = ["sector"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


# allauth's email addresses list names each address's member (her profile's name): load
# the profiles with the page rather than one query per row.
class EmailAddressAdmin(allauth_admin.EmailAddressAdmin):
    list_select_related = ["user__profile"]


admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, EmailAddressAdmin)
