from tenant_apps.liaison import handling_urls, message_urls, station_urls

urlpatterns = [*station_urls.urlpatterns, *message_urls.urlpatterns, *handling_urls.urlpatterns]
