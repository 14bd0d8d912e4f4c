from django.urls import path

from circles.views import circles as circle_views

app_name = "circles"
urlpatterns = [
    path("", circle_views.directory, name="directory"),
    # --- logs engineer's routes (a2): "my-logs/" must stay BEFORE "<slug:slug>/" ----------
    # --- end of logs engineer's routes before the circle page ------------------------------
    path("invite/<str:token>/", circle_views.invite_accept, name="invite_accept"),
    path("<slug:slug>/", circle_views.detail, name="detail"),
    path("<slug:slug>/join/", circle_views.join, name="join"),
    path("<slug:slug>/request/", circle_views.request_to_join, name="request"),
    path("<slug:slug>/leave/", circle_views.leave, name="leave"),
    path("<slug:slug>/requests/<int:pk>/admit/", circle_views.admit, name="admit"),
    path("<slug:slug>/requests/<int:pk>/decline/", circle_views.decline, name="decline"),
    path("<slug:slug>/invites/", circle_views.invites, name="invites"),
    path("<slug:slug>/invites/<int:pk>/revoke/", circle_views.invite_revoke, name="invite_revoke"),
    # --- logs engineer's routes (a2): "<slug:slug>/logs/…" ---------------------------------
]
