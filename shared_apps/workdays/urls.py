"""Calendar pages, mounted at console/calendar/ on the root domain and at calendar/ on congress hosts."""

from django.urls import path

from shared_apps.workdays import views

urlpatterns = [
    path("", views.index, name="index"),
    path("remove/", views.remove, name="remove"),
    path("import/", views.import_year, name="import"),
]
