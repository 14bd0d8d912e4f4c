from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.my_calendar, name="calendar"),
    path("meetings/calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("meetings/calendar/<str:token>.ics", views.feed, name="feed"),
    path("circles/<slug:slug>/meetings/", views.meeting_list, name="list"),
    path("circles/<slug:slug>/meetings/new/", views.meeting_schedule, name="schedule"),
    path("circles/<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("circles/<slug:slug>/meetings/<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("circles/<slug:slug>/meetings/<int:pk>/move/", views.occurrence_move, name="move"),
    path("circles/<slug:slug>/meetings/<int:pk>/cancel/", views.occurrence_cancel, name="cancel"),
    path("circles/<slug:slug>/meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("circles/<slug:slug>/meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path(
        "circles/<slug:slug>/meetings/<int:pk>/agenda/<int:item_pk>/",
        views.agenda_item,
        name="agenda_item",
    ),
    path("circles/<slug:slug>/meetings/<int:pk>/meeting.ics", views.occurrence_ics, name="ics"),
]
