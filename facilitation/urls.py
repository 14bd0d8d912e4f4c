from django.urls import path

from facilitation import views

app_name = "facilitation"

urlpatterns = [
    # Staff: every circle's headline health figures.
    path("health/", views.health_overview, name="health_overview"),
    # Members: report what they see in their circle.
    path("report/log/<int:pk>/", views.report_log, name="report_log"),
    path("report/response/<int:pk>/", views.report_response, name="report_response"),
    # The circle's facilitators (and staff).
    path("<slug:slug>/queue/", views.queue, name="queue"),
    path("<slug:slug>/audit/", views.audit, name="audit"),
    path("<slug:slug>/health/", views.health, name="health"),
    path("<slug:slug>/health.csv", views.health_csv, name="health_csv"),
    path("<slug:slug>/settings/", views.settings, name="settings"),
    path("<slug:slug>/archive/", views.archive, name="archive"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "<slug:slug>/members/<int:pk>/promote/",
        views.facilitator_promote,
        name="facilitator_promote",
    ),
    path(
        "<slug:slug>/members/<int:pk>/demote/", views.facilitator_demote, name="facilitator_demote"
    ),
    path("<slug:slug>/logs/", views.logs, name="logs"),
    path("<slug:slug>/lessons/", views.lessons, name="lessons"),
    path("<slug:slug>/logs/<int:pk>/hide/", views.log_hide, name="log_hide"),
    path("<slug:slug>/logs/<int:pk>/restore/", views.log_restore, name="log_restore"),
    *[
        path(
            f"<slug:slug>/logs/<int:pk>/{flag}/", views.log_flag, {"flag": flag}, name=f"log_{flag}"
        )
        for flag in ("pin", "unpin", "lock", "unlock")
    ],
    path("<slug:slug>/responses/<int:pk>/hide/", views.response_hide, name="response_hide"),
    path(
        "<slug:slug>/responses/<int:pk>/restore/",
        views.response_restore,
        name="response_restore",
    ),
    path("<slug:slug>/reports/<int:pk>/dismiss/", views.report_dismiss, name="report_dismiss"),
]
