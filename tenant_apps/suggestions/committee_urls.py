from django.urls import path

from tenant_apps.suggestions import committee_views as views

urlpatterns = [
    path("committees/", views.committees, name="committees"),
    path("committees/<int:pk>/", views.committee_update, name="committee_update"),
    path("committees/<int:pk>/members/", views.committee_member_add, name="committee_member_add"),
    path(
        "committees/<int:pk>/members/<int:user_id>/remove/",
        views.committee_member_remove,
        name="committee_member_remove",
    ),
    path("key/", views.key_list, name="key_list"),
    path("<int:pk>/key/mark/", views.key_mark, name="key_mark"),
    path("<int:pk>/key/unmark/", views.key_unmark, name="key_unmark"),
    path("<int:pk>/key/followups/", views.key_followup_add, name="key_followup_add"),
    path("commitments/", views.commitments, name="commitments"),
    path("commitments/xlsx/", views.commitments_xlsx, name="commitments_xlsx"),
    path("commitments/<int:pk>/update/", views.commitment_update, name="commitment_update"),
    path("commitments/<int:pk>/solve/", views.commitment_solve, name="commitment_solve"),
    path("commitments/<int:pk>/reopen/", views.commitment_reopen, name="commitment_reopen"),
]
