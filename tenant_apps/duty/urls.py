"""Pages of the duty module, at /duty/ on a congress host (namespace "duty")."""

from django.urls import path

from tenant_apps.duty import entry_views, ledger_views, views

urlpatterns = [
    path("", views.index, name="index"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/action/", views.activity_act, name="activity_act"),
    path("activities/<int:pk>/invite/", views.invite, name="invite"),
    path("activities/<int:pk>/invitations/<int:invitation_id>/action/", views.invitation_act, name="invitation_act"),
    path("activities/<int:pk>/invitations/<int:invitation_id>/remove/", views.uninvite, name="uninvite"),
    path("activities/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("activities/<int:pk>/opinions/", views.opinion_add, name="opinion_add"),
    path(
        "activities/<int:pk>/opinions/<int:opinion_id>/suggestion/",
        views.opinion_to_suggestion,
        name="opinion_to_suggestion",
    ),
    path("activities/<int:pk>/files/", views.file_add, name="file_add"),
    path("activities/<int:pk>/qr/", views.qr_screen, name="qr"),
    path("activities/<int:pk>/qr/renew/", views.renew_codes, name="renew_codes"),
    path("activities/<int:pk>/sign-in/", views.sign_in, name="sign_in"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("mine/", entry_views.mine, name="mine"),
    path("entries/new/", entry_views.entry_create, name="entry_create"),
    path("entries/record/", entry_views.entry_record, name="entry_record"),
    path("entries/<int:pk>/", entry_views.entry, name="entry"),
    path("entries/<int:pk>/action/", entry_views.entry_act, name="entry_act"),
    path("office/", entry_views.office, name="office"),
    path("deputies/<int:deputy_id>/ledger/", ledger_views.ledger, name="ledger"),
    path("deputies/<int:deputy_id>/ledger.pdf", ledger_views.ledger_pdf, name="ledger_pdf"),
    path("deputies/<int:deputy_id>/ledger.xlsx", ledger_views.ledger_xlsx, name="ledger_xlsx"),
    path("dashboard/", ledger_views.dashboard_page, name="dashboard"),
    path("prints/", ledger_views.print_request, name="print_request"),
    path("prints/<int:pk>/", ledger_views.print_status, name="print"),
    path("prints/<int:pk>/file/", ledger_views.print_file, name="print_file"),
]
