"""Pages of the account's notices, at /me/notices/ on every host (namespace "my_notices", config.urls_common)."""

from django.urls import path

from shared_apps.notifications import views

urlpatterns = [
    path("", views.notice_list, name="index"),
    path("<int:pk>/read/", views.notice_read, name="read"),
    path("read/", views.notice_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
]
