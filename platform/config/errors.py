"""The error pages: friendly HTML pages (400, 403, 404, 413, 500 and the CSRF failure) in the site's layout, and
JSON `{"detail": ...}` for the API (paths under /api/), so a script never has to parse an HTML page.

A request body over DATA_UPLOAD_MAX_MEMORY_SIZE (a long text pasted into a form) would be Django's bare 400;
`RequestTooLargeMiddleware` answers 413 with the limit in human terms instead, with DEBUG on or off."""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tenants.params import has_nul, is_number

# While the database restarts or fails over, a page asks the browser (and a load balancer) to come back after this.
RETRY_AFTER_SECONDS = 30

# Bodies whose files do not count against DATA_UPLOAD_MAX_MEMORY_SIZE: each upload checks its own size.
MULTIPART = "multipart/form-data"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def back_url(request: HttpRequest) -> str:
    """Where "返回上一页" leads without JavaScript (with it, the browser goes back and keeps what was typed)."""
    referer = request.META.get("HTTP_REFERER", "")
    # SECURITY: only a page of this very host, never a link to wherever the Referer header says.
    host = request.META.get("HTTP_HOST", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return referer
    return "/"


def limit_in_mb() -> str:
    """DATA_UPLOAD_MAX_MEMORY_SIZE as people say it: "2.5" (MB)."""
    return f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):.1f}".removesuffix(".0")


def too_large(request: HttpRequest) -> HttpResponse:
    """413: the submitted text is over the limit. Nothing was read or saved."""
    # The body cannot be parsed again (it would raise again): whatever reads request.POST from here on sees
    # an empty form, as after Django's own handling of the error.
    request._mark_post_parse_error()  # type: ignore[attr-defined]
    if is_api(request):
        detail = _("提交的内容过大（上限约 %(mb)s MB）。附件请作为文件上传。") % {"mb": limit_in_mb()}
        return JsonResponse({"detail": detail}, status=413)
    return render(request, "413.html", {"limit_mb": limit_in_mb(), "back_url": back_url(request)}, status=413)


class RequestTooLargeMiddleware:
    """413 instead of 400 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE, for pages and the API alike.

    Listed before CsrfViewMiddleware: the CSRF check is the first to read a form (request.POST), and an error
    there never reaches a middleware's process_exception. So a form is read here first, where the error is
    caught; a view that reads it itself (csrf_exempt views, the API) raises it to process_exception."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.content_type != MULTIPART:
            # Django checks any other body by its declared length when something reads it (a form, DRF's JSON
            # parser); so can we, before the view, without reading a byte.
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            length = request.META.get("CONTENT_LENGTH") or "0"
            if limit is not None and is_number(length) and int(length) > limit:
                return too_large(request)
            return None
        if request.method == "POST" and not getattr(view_func, "csrf_exempt", False):
            try:
                request.POST  # noqa: B018 — what CsrfViewMiddleware would read next, read here first
            except RequestDataTooBig:
                return too_large(request)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large(request)
        return None


FORM_TYPES = ("application/x-www-form-urlencoded", MULTIPART)


def refuse_input(request: HttpRequest, detail: str) -> HttpResponse:
    """400 for input no view can take, said plainly; nothing is read further or saved."""
    if is_api(request):
        return JsonResponse({"detail": detail}, status=400)
    return render(request, "400.html", {"back_url": back_url(request), "detail": detail}, status=400)


class NulCharacterMiddleware:
    """400 for a NUL character (0x00) in the query string or in a form's fields, for every page and endpoint:
    PostgreSQL refuses text holding one, so without this any filter or field could answer 500. JSON bodies are
    checked by the API's parser (tenants.parsers). After RequestTooLargeMiddleware, which may read a form first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", "") or _holds_nul(request.GET):
            return refuse_input(request, _("请求中含有无效的空字符，已拒绝。"))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method == "POST" and request.content_type in FORM_TYPES and _holds_nul(request.POST):
            return refuse_input(request, _("请求中含有无效的空字符，已拒绝。"))
        return None


def _holds_nul(data) -> bool:
    return any(has_nul(key) or any(has_nul(v) for v in values) for key, values in data.lists())


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (DEBUG off). A body too large that escaped the middleware still gets its 413."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    if is_api(request):
        return JsonResponse({"detail": _("请求无效。")}, status=400)
    return render(request, "400.html", {"back_url": back_url(request)}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    if is_api(request):
        return JsonResponse({"detail": _("您没有执行该操作的权限。")}, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404 (DEBUG off; with DEBUG on Django shows its own page, which lists the URLs tried)."""
    if is_api(request):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return render(request, "404.html", status=404)


def database_unavailable(exception: BaseException | None) -> bool:
    """Whether `exception` says the database cannot be reached (restarting, failing over, out of connections),
    rather than that the code did something wrong."""
    from psycopg_pool import PoolTimeout

    return isinstance(exception, (OperationalError, InterfaceError, PoolTimeout))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. Renders without the request's context: no context processor, no database (it may be what
    failed), so 500.html is a standalone page. When the database cannot be reached, 503 with Retry-After and a
    page that says to come back shortly (503.html): nothing is wrong with what the person did."""
    if database_unavailable(sys.exc_info()[1]):
        if is_api(request):
            response: HttpResponse = JsonResponse({"detail": _("服务暂时不可用，请稍后再试。")}, status=503)
        else:
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if is_api(request):
        return JsonResponse({"detail": _("服务器内部错误，请稍后再试。")}, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: most often a form kept open past its session, or signed in on another tab."""
    if is_api(request):
        return JsonResponse({"detail": _("CSRF 校验失败，请刷新页面后重试。")}, status=403)
    context = {"back_url": back_url(request), "reason": reason if settings.DEBUG else ""}
    return render(request, "403_csrf.html", context, status=403)
