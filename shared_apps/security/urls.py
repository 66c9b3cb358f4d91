"""The account's security page, at /me/security/ on every host (namespace "my_security", config.urls_common)."""

from django.urls import path

from shared_apps.security import views

urlpatterns = [
    path("", views.security, name="index"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("my-data.json", views.my_data, name="my_data"),
    path("sms-code/", views.sms_code, name="sms_code"),
]
