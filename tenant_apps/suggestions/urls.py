from django.urls import include, path

from tenant_apps.suggestions import bulletin_urls, views

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/contacts/", views.contact_log, name="contact_log"),
    path("<int:pk>/joint-opinion/", views.joint_opinion_submit, name="joint_opinion_submit"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/extension/decision/", views.extension_decide, name="extension_decide"),
    path("bulletin/", include(bulletin_urls.urlpatterns)),
]
