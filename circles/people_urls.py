from django.urls import path

from circles.views import people as people_views

app_name = "people"
urlpatterns = [
    path("<int:pk>/", people_views.profile, name="profile"),
]
