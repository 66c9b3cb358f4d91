"""API of the duty module, at /api/v1/duty/ on a congress host (namespace "duty-api")."""

from django.urls import path

from tenant_apps.duty import api

urlpatterns = [
    path("activities/", api.ActivityListApi.as_view(), name="activity_list"),
    path("activities/<int:pk>/", api.ActivityDetailApi.as_view(), name="activity_detail"),
    path("activities/<int:pk>/transition/", api.ActivityTransitionApi.as_view(), name="activity_transition"),
    path("activities/<int:pk>/invitations/", api.InvitationListApi.as_view(), name="invitation_list"),
    path(
        "activities/<int:pk>/invitations/<int:invitation_id>/",
        api.InvitationDetailApi.as_view(),
        name="invitation_detail",
    ),
    path(
        "activities/<int:pk>/invitations/<int:invitation_id>/transition/",
        api.InvitationTransitionApi.as_view(),
        name="invitation_transition",
    ),
    path("activities/<int:pk>/sign-in/", api.SignInApi.as_view(), name="sign_in"),
    path("activities/<int:pk>/sign-in-code/", api.SignInCodeApi.as_view(), name="sign_in_code"),
    path("activities/<int:pk>/opinions/", api.OpinionListApi.as_view(), name="opinion_list"),
    path("activities/<int:pk>/files/", api.ActivityFileListApi.as_view(), name="file_list"),
    path(
        "activities/<int:pk>/opinions/<int:opinion_id>/suggestion/",
        api.OpinionSuggestionApi.as_view(),
        name="opinion_suggestion",
    ),
    path("deputies/", api.DeputySearchApi.as_view(), name="deputy_search"),
    path("entries/", api.EntryListApi.as_view(), name="entry_list"),
    path("entries/<int:pk>/", api.EntryDetailApi.as_view(), name="entry_detail"),
    path("entries/<int:pk>/transition/", api.EntryTransitionApi.as_view(), name="entry_transition"),
    path("entries/<int:pk>/files/", api.EntryFileApi.as_view(), name="entry_files"),
    path("ledger/<int:deputy_id>/", api.LedgerApi.as_view(), name="ledger"),
    path("prints/", api.PrintListApi.as_view(), name="print_list"),
    path("prints/<int:pk>/", api.PrintDetailApi.as_view(), name="print_detail"),
]
