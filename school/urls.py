from django.contrib import admin
from django.urls import include, path

from school.views import favicon

# Every app's URLs by module name: the root imports no app (``lint-imports``: ``school``
# is the bottom layer).
urlpatterns = [
    path("", include("members.home_urls")),
    path("", include("circles.dashboard_urls")),
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
    path("favicon.ico", favicon, name="favicon"),
]

handler500 = "school.views.server_error"
# allauth answers a rate-limited form with this (status 429, Retry-After).
handler429 = "members.views.too_many_attempts"
