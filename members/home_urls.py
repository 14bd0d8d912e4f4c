"""The school's front page, at the root (``school.urls`` includes it without a prefix)."""

from django.urls import path

from members import views

urlpatterns = [
    path("", views.home, name="home"),
]
