from django.urls import path

from tenant_apps.suggestions import bulletin_views

urlpatterns = [
    path("", bulletin_views.bulletin, name="bulletin"),
    path("xlsx/", bulletin_views.bulletin_xlsx, name="bulletin_xlsx"),
    path("pdf/", bulletin_views.bulletin_pdf, name="bulletin_pdf"),
    path("publish/", bulletin_views.bulletin_publish, name="bulletin_publish"),
]
