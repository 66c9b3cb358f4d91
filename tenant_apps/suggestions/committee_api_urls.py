from django.urls import path

from tenant_apps.suggestions import committee_api as api

urlpatterns = [
    path("committees/", api.CommitteeListApi.as_view(), name="committee_list"),
    path("committees/<int:pk>/", api.CommitteeDetailApi.as_view(), name="committee_detail"),
    path("committees/<int:pk>/members/", api.CommitteeMemberAddApi.as_view(), name="committee_member_add"),
    path(
        "committees/<int:pk>/members/<int:user_id>/",
        api.CommitteeMemberRemoveApi.as_view(),
        name="committee_member_remove",
    ),
    path("key/", api.KeyItemListApi.as_view(), name="key_list"),
    path("<int:pk>/key/", api.KeyMarkApi.as_view(), name="key_mark"),
    path("<int:pk>/key/unmark/", api.KeyUnmarkApi.as_view(), name="key_unmark"),
    path("<int:pk>/key/followups/", api.KeyFollowUpApi.as_view(), name="key_followups"),
    path("commitments/", api.CommitmentListApi.as_view(), name="commitment_list"),
    path("commitments/<int:pk>/updates/", api.CommitmentProgressApi.as_view(), name="commitment_progress"),
    path("commitments/<int:pk>/solve/", api.CommitmentSolveApi.as_view(), name="commitment_solve"),
    path("commitments/<int:pk>/reopen/", api.CommitmentReopenApi.as_view(), name="commitment_reopen"),
]
