from django.urls import path

from tenant_apps.suggestions import public_views

urlpatterns = [
    path("public/", public_views.public_index, name="public_index"),
    path("public/<int:pk>/", public_views.public_detail, name="public_detail"),
    path("<int:pk>/publish/", public_views.publish, name="publish"),
    path("<int:pk>/unpublish/", public_views.unpublish, name="unpublish"),
    path("<int:pk>/confidentiality/", public_views.confidentiality, name="confidentiality"),
]
