from django.urls import path

from notifications import inbox_views

app_name = "inbox"
urlpatterns = [
    path("", inbox_views.inbox, name="list"),
    path("bell/", inbox_views.bell, name="bell"),
    path("read/", inbox_views.read_all, name="read_all"),
    path("<int:pk>/", inbox_views.notification_open, name="open"),
]
