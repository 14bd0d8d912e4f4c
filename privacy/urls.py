from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.privacy_page, name="privacy"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/download/<str:token>/", views.export_download, name="export_download"),
    path("me/delete/", views.delete_account, name="delete_account"),
    path("account-deleted/", views.account_deleted, name="account_deleted"),
]
