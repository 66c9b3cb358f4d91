from tenant_apps.liaison import handling_api_urls, message_api_urls, station_api_urls

urlpatterns = [*station_api_urls.urlpatterns, *message_api_urls.urlpatterns, *handling_api_urls.urlpatterns]
