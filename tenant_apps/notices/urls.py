"""Pages of the notices module (notices between congresses), at /notices/ on a congress host (namespace "notices")."""

from django.urls import path

from tenant_apps.notices import views

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
