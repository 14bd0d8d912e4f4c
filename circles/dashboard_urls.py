"""A member's dashboard, at ``/dashboard/`` (``school.urls`` includes it without a prefix)."""

from django.urls import path

from circles.views.dashboard import dashboard

urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
]
