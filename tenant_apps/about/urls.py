from django.urls import path

from tenant_apps.about import views

urlpatterns = [
    path("", views.index, name="index"),
    path("edit/", views.edit, name="edit"),
]
