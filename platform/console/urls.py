"""Pages of the platform's administration of congresses: the console (under /console/ on the root domain, namespace
"console"), and on a congress host its front page and settings (`congress_urlpatterns`, no namespace)."""

from django.urls import path

from console import views

app_name = "console"
urlpatterns = [
    path("", views.console_home, name="home"),
    path("provision/", views.provision, name="provision"),
    path("batches/", views.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("provisioning/", views.provisioning_records, name="provisioning_records"),
    path("provisioning/<int:pk>/", views.provisioning_detail, name="provisioning_detail"),
    path("congresses/<str:division_code>/status/", views.congress_status, name="congress_status"),
    path("defaults/", views.defaults, name="defaults"),
]

congress_urlpatterns = [
    path("", views.congress_home, name="congress_home"),
    path("settings/", views.congress_settings, name="congress_settings"),
]
