from django.urls import path

from shared_apps.registry import national

urlpatterns = [
    path("", national.npc_roll, name="roll"),
    path("seats/<int:seat_id>/end/", national.npc_seat_end, name="seat_end"),
]
