from django.urls import path

from shared_apps.registry import national

urlpatterns = [
    path("seats/", national.NationalSeatListApi.as_view(), name="seats"),
    path("seats/<int:seat_id>/end/", national.NationalSeatEndApi.as_view(), name="seat_end"),
]
