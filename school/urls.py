from django.contrib import admin
from django.urls import include, path

from circles.views.dashboard import dashboard
from members import views as member_views

urlpatterns = [
    path("", member_views.home, name="home"),
    path("dashboard/", dashboard, name="dashboard"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("members.urls")),
    path("circles/", include("circles.urls")),
    path("", include("meetings.urls")),
    path("me/record/", include("record.urls")),
    path("facilitate/", include("facilitation.urls")),
    path("people/", include("circles.people_urls")),
    path("notifications/", include("notifications.inbox_urls")),
    path("email/", include("notifications.urls")),
    path("search/", include("search.urls")),
    path("commons/", include("commons.urls")),
    path("", include("privacy.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "school.views.server_error"
# allauth answers a rate-limited form with this (status 429, Retry-After).
handler429 = "members.views.too_many_attempts"
