from django.urls import path

from record import views

app_name = "record"

urlpatterns = [
    path("", views.record_page, name="page"),
    path("target/", views.target, name="target"),
    path("revalidation/", views.revalidation, name="revalidation"),
    path("cpd/new/", views.cpd_add, name="cpd_add"),
    path("cpd/<int:pk>/delete/", views.cpd_delete, name="cpd_delete"),
    path("cpd.csv", views.cpd_csv, name="cpd_csv"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/<int:pk>/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/check/", views.account_check, name="account_check"),
    path("accounts/<int:pk>/account.docx", views.account_docx_download, name="account_docx"),
    path("accounts/<int:pk>/print/", views.account_print, name="account_print"),
    path("accounts/<int:pk>/delete/", views.account_delete, name="account_delete"),
]
