from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("onboarding/", views.onboarding, name="onboarding"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("preferences/", views.preferences, name="preferences"),
]
