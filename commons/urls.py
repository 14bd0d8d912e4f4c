from django.urls import path

from commons import views

app_name = "commons"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("mine/", views.my_lessons, name="mine"),
    path("share/<int:log_pk>/", views.lesson_share, name="share"),
    path("<int:pk>/", views.lesson_detail, name="lesson"),
    path("<int:pk>/useful/", views.lesson_useful, name="useful"),
    path("<int:pk>/ask/", views.lesson_ask, name="ask"),
    path("<int:pk>/withdraw/", views.lesson_withdraw, name="withdraw"),
    path("<int:pk>/report/", views.lesson_report, name="report"),
    path("questions/<int:pk>/answer/", views.question_answer, name="answer"),
]
