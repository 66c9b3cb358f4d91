from django.urls import path

from tenants import console

app_name = "console"
urlpatterns = [
    path("", console.console_home, name="home"),
    path("provision/", console.provision, name="provision"),
    path("provisioning/", console.provisioning_records, name="provisioning_records"),
    path("provisioning/<int:pk>/", console.provisioning_detail, name="provisioning_detail"),
    path("congresses/<str:division_code>/status/", console.congress_status, name="congress_status"),
    path("defaults/", console.defaults, name="defaults"),
]
