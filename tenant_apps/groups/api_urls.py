"""API of the groups module (deputy groups and studios), at /api/v1/groups/ on a congress host
(namespace "groups-api")."""

from django.urls import path

from tenant_apps.groups import api

urlpatterns = [
    path("", api.GroupListApi.as_view(), name="group_list"),
    path("<int:pk>/", api.GroupDetailApi.as_view(), name="group_detail"),
    path("<int:pk>/members/", api.MemberListApi.as_view(), name="member_list"),
    path("<int:pk>/members/<int:deputy_id>/", api.MemberDetailApi.as_view(), name="member_detail"),
    path("studios/", api.StudioListApi.as_view(), name="studio_list"),
    path("studios/<int:pk>/", api.StudioDetailApi.as_view(), name="studio_detail"),
    path("studios/<int:pk>/duties/", api.DutyRosterApi.as_view(), name="duty_roster"),
    path("deputies/", api.DeputySearchApi.as_view(), name="deputy_search"),
]
