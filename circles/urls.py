from django.urls import path

from circles.views import circles as circle_views
from circles.views import drafts as draft_views
from circles.views import logs as log_views
from circles.views import people as people_views

app_name = "circles"
urlpatterns = [
    path("", circle_views.directory, name="directory"),
    # "my-logs/" stays before "<slug:slug>/", which would otherwise take it for a circle.
    path("my-logs/", log_views.my_logs, name="my_logs"),
    path("my-logs/drafts/<str:key>/", draft_views.draft, name="draft"),
    path("invite/<str:token>/", circle_views.invite_accept, name="invite_accept"),
    path("<slug:slug>/", circle_views.detail, name="detail"),
    path("<slug:slug>/join/", circle_views.join, name="join"),
    path("<slug:slug>/request/", circle_views.request_to_join, name="request"),
    path("<slug:slug>/leave/", circle_views.leave, name="leave"),
    path("<slug:slug>/requests/<int:pk>/admit/", circle_views.admit, name="admit"),
    path("<slug:slug>/requests/<int:pk>/decline/", circle_views.decline, name="decline"),
    path("<slug:slug>/people/", people_views.people, name="people"),
    path("<slug:slug>/mentions/", people_views.mentions, name="mentions"),
    path("<slug:slug>/mentions/check/", people_views.mentions_check, name="mentions_check"),
    path("<slug:slug>/introduce/", people_views.introduce, name="introduce"),
    path("<slug:slug>/invites/", circle_views.invites, name="invites"),
    path("<slug:slug>/invites/<int:pk>/revoke/", circle_views.invite_revoke, name="invite_revoke"),
    # Action logs and responses: "<slug:slug>/logs/…".
    path("<slug:slug>/logs/new/", log_views.log_create, name="log_create"),
    path("<slug:slug>/logs/preview/", log_views.log_preview, name="log_preview"),
    path("<slug:slug>/logs/<int:pk>/", log_views.log_detail, name="log_detail"),
    path("<slug:slug>/logs/<int:pk>/edit/", log_views.log_edit, name="log_edit"),
    path("<slug:slug>/logs/<int:pk>/publish/", log_views.log_publish, name="log_publish"),
    path(
        "<slug:slug>/logs/<int:pk>/responses/",
        log_views.response_create,
        name="response_create",
    ),
    path(
        "<slug:slug>/logs/<int:pk>/responses/<int:rpk>/edit/",
        log_views.response_edit,
        name="response_edit",
    ),
    path(
        "<slug:slug>/logs/<int:pk>/responses/<int:rpk>/replies/",
        log_views.reply_create,
        name="reply_create",
    ),
    path(
        "<slug:slug>/logs/<int:pk>/responses/<int:rpk>/helpful/",
        log_views.response_helpful,
        name="response_helpful",
    ),
]
