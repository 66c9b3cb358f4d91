from django.urls import path

from shared_apps.registry import api

urlpatterns = [
    path("seats/", api.SeatListApi.as_view(), name="seats"),
    path("seats/<int:seat_id>/end/", api.SeatEndApi.as_view(), name="seat_end"),
    path("deputies/<int:deputy_id>/identity/", api.DeputyIdentityApi.as_view(), name="identity"),
    path("deputies/<int:deputy_id>/invite/", api.DeputyInviteApi.as_view(), name="invite"),
    path("terms/", api.TermListApi.as_view(), name="terms"),
    path("terms/close/", api.TermCloseApi.as_view(), name="term_close"),
    path("claim/", api.ClaimApi.as_view(), name="claim"),
    path("rollup/", api.RollupApi.as_view(), name="rollup"),
]
