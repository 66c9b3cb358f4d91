"""Pages of the units module (handling units), at /units/ on a congress host (namespace "units")."""

from django.urls import path

from tenant_apps.units import views

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.unit_create, name="unit_create"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/deactivate/", views.unit_deactivate, name="unit_deactivate"),
    path("<int:pk>/reactivate/", views.unit_reactivate, name="unit_reactivate"),
    path("<int:pk>/staff/", views.staff, name="staff"),
    path("<int:pk>/staff/<int:user_id>/remove/", views.staff_remove, name="staff_remove"),
    path("<int:pk>/staff/<int:user_id>/contact/", views.staff_contact, name="staff_contact"),
]
