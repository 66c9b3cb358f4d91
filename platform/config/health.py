"""What a load balancer asks of a running instance: `HealthMiddleware` answers `GET /healthz` on any host name (a
load balancer may probe by address), before anything else runs (no HTTPS redirect, no host routing, no session):
200 `{"status": "ok"}` when the database answers a trivial query, else 503 `{"status": "unavailable"}` with
Retry-After — never a 500. The storage's deploy check is console.checks."""

from django.db import DatabaseError, connection
from django.http import JsonResponse

PATH = "/healthz"
RETRY_AFTER_SECONDS = 5


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        else:
            response = JsonResponse({"status": "ok", "database": "ok"})
        response["Cache-Control"] = "no-store"
        return response
