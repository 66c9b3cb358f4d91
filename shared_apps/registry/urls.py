from django.urls import path

from shared_apps.registry import views

urlpatterns = [
    path("", views.roll, name="roll"),
    path("terms/<int:term_id>/", views.roll, name="term"),
    path("terms/close/", views.term_close, name="term_close"),
    path("seats/new/", views.seat_register, name="seat_register"),
    path("deputies/<int:deputy_id>/", views.deputy_detail, name="deputy_detail"),
    path("deputies/<int:deputy_id>/invite/", views.deputy_invite, name="deputy_invite"),
    path("deputies/<int:deputy_id>/edit/", views.deputy_edit, name="deputy_edit"),
    path("seats/<int:seat_id>/end/", views.seat_end, name="seat_end"),
    path("claim/<str:token>/", views.claim, name="claim"),
    path("rollup/", views.rollup, name="rollup"),
]
