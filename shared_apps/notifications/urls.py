"""Pages of the account's notices, served on every host (config.urls_common)."""

from django.urls import path

from shared_apps.notifications import views

urlpatterns = [
    path("", views.notice_list, name="index"),
    path("<int:pk>/read/", views.notice_read, name="read"),
    path("read/", views.notice_read_all, name="read_all"),
]
