"""The working-day calendar's pages (namespace "calendar"), at /console/calendar/ on the root domain and at
/calendar/ on a congress host."""

from django.urls import path

from shared_apps.workdays import views

urlpatterns = [
    path("", views.index, name="index"),
    path("remove/", views.remove, name="remove"),
    path("import/", views.import_year, name="import"),
]
