"""Pages of the groups module (deputy groups and studios), at /groups/ on a congress host (namespace "groups")."""

from django.urls import path

from tenant_apps.groups import views

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.group_create, name="group_create"),
    path("<int:pk>/", views.group_detail, name="group_detail"),
    path("<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:deputy_id>/remove/", views.member_remove, name="member_remove"),
    path("studios/new/", views.studio_create, name="studio_create"),
    path("studios/<int:pk>/", views.studio_detail, name="studio_detail"),
    path("studios/<int:pk>/edit/", views.studio_edit, name="studio_edit"),
    path("studios/<int:pk>/delete/", views.studio_delete, name="studio_delete"),
    path("studios/<int:pk>/duties/", views.duties_edit, name="duties_edit"),
]
