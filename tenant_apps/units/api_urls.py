"""API of the units module (handling units), at /api/v1/units/ on a congress host (namespace "units-api")."""

from django.urls import path

from tenant_apps.units import api

urlpatterns = [
    path("", api.UnitListApi.as_view(), name="unit_list"),
    path("mine/", api.MyUnitListApi.as_view(), name="my_unit_list"),
    path("<int:pk>/", api.UnitDetailApi.as_view(), name="unit_detail"),
    path("<int:pk>/deactivate/", api.UnitDeactivateApi.as_view(), name="unit_deactivate"),
    path("<int:pk>/reactivate/", api.UnitReactivateApi.as_view(), name="unit_reactivate"),
    path("<int:pk>/staff/", api.StaffListApi.as_view(), name="staff_list"),
    path("<int:pk>/staff/<int:user_id>/", api.StaffDetailApi.as_view(), name="staff_detail"),
]
