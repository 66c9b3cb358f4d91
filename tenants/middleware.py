"""Host → congress resolution, and the module switch.

The root domain serves the central platform from the public schema. `<subdomain>.<root domain>` (or a
custom domain row) selects a congress and its schema. Unknown hosts get a friendly 404 page, suspended and
archived congresses a notice page: never a traceback.

Each process remembers the congress of every host it has served, so a congress's page costs no more than the
root's (no lookup, no schema switch until a query needs one), however many congresses share the process. Every
CONGRESS_HOST_CACHE_SECONDS it reads one counter (HostsGeneration, raised by the database with any change to a
congress or a domain) and forgets everything when it moved: a change of status or modules reaches every process
within that time, and this process at once (`forget_host`). One query per process and period, not one per host:
at a province's 1,600 hosts a per-host expiry would miss on most requests.
"""

import copy
import threading
import time

import sentry_sdk
from django.conf import settings
from django.db import connection
from django.http import Http404
from django.shortcuts import render
from django.urls import set_urlconf

from tenants.connection import note_schema_visit, set_public
from tenants.models import Congress, CongressStatus, Domain, HostsGeneration
from tenants.modules import get_module


def request_hostname(request) -> str:
    return request.get_host().split(":")[0].lower()


class _Checked:
    """When this process next reads HostsGeneration, the value it read last, and how many times this process
    has forgotten every host (a lookup begun before one is not remembered after it)."""

    until = 0.0
    generation: int | None = None
    forgotten = 0


_congress_of_host: dict[str, Congress] = {}
_checked = _Checked()
# gunicorn's threads share the memory: forgetting, and remembering what was looked up, happen under this lock.
_lock = threading.Lock()


def _forget_all() -> None:
    with _lock:
        _congress_of_host.clear()
        _checked.forgotten += 1


def congress_for_host(hostname: str) -> Congress | None:
    """The congress answering on `hostname`, from this process's memory unless a congress or a domain changed
    since. Unknown hosts are not remembered: a congress just made answers at once."""
    ttl = settings.CONGRESS_HOST_CACHE_SECONDS
    if ttl <= 0:
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        return None if domain is None else domain.tenant
    now = time.monotonic()
    if now >= _checked.until:
        # Read before any lookup below: a host looked up after this read is at least as new as the value read.
        generation = HostsGeneration.current()
        if generation is None or generation != _checked.generation:
            _forget_all()
        _checked.until, _checked.generation = now + ttl, generation
    remembered = _congress_of_host.get(hostname)
    if remembered is None:
        # A thread may forget every host while this one looks its host up (a change committed meanwhile): what
        # was read before that is then used for this request only, never remembered.
        forgotten = _checked.forgotten
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        if domain is None:
            return None
        remembered = domain.tenant
        with _lock:
            if _checked.forgotten == forgotten:
                _congress_of_host[hostname] = remembered
    # A copy: the middleware and views set attributes on the request's congress.
    return copy.copy(remembered)


def forget_host(congress: Congress) -> None:
    """Drop what this process remembers of `congress`'s hosts (after its status, modules or settings change)."""
    with _lock:
        for hostname, remembered in list(_congress_of_host.items()):
            if remembered.pk == congress.pk:
                _congress_of_host.pop(hostname, None)
        _checked.forgotten += 1


def forget_all_hosts() -> None:
    """Forget every host, and read the counter again at the next request."""
    _forget_all()
    _checked.until, _checked.generation = 0.0, None


class CongressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # SECURITY: always start from the public schema, whatever a pooled connection last served.
        set_public()
        hostname = request_hostname(request)
        request.congress = None
        if hostname in (settings.ROOT_DOMAIN, f"www.{settings.ROOT_DOMAIN}"):
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            sentry_sdk.set_tag("congress", "public")
            return self.get_response(request)

        congress = congress_for_host(hostname)
        if congress is None:
            sentry_sdk.set_tag("congress", "unknown")
            return render(request, "tenants/unknown_host.html", {"hostname": hostname}, status=404)
        sentry_sdk.set_tag("congress", congress.schema_name)
        if congress.status != CongressStatus.ACTIVE:
            status = 410 if congress.status == CongressStatus.ARCHIVED else 503
            return render(request, "tenants/unavailable.html", {"congress": congress}, status=status)

        congress.domain_url = hostname
        request.congress = congress
        request.tenant = congress  # django-tenants' name for it, used by its helpers
        connection.set_tenant(congress)
        request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        try:
            return self.get_response(request)
        finally:
            set_public()
            note_schema_visit(congress.schema_name)


class ModuleGateMiddleware:
    """A module a congress has switched off answers 404, for its pages and its API alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        congress = getattr(request, "congress", None)
        match = request.resolver_match
        if congress is None or match is None:
            return None
        key = module_key_for(match.namespaces)
        if key is not None and key not in congress.enabled_modules:
            raise Http404("This module is not enabled for this congress.")
        return None


def module_key_for(namespaces: list[str]) -> str | None:
    """The module that owns a URL: its pages are namespaced <key>, its API <key>-api."""
    for namespace in namespaces:
        key = namespace.removesuffix("-api")
        if get_module(key) is not None:
            return key
    return None
