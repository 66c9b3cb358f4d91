"""Hosts for the test clients."""

from django.conf import settings


def host_of(subdomain: str | None) -> str:
    return settings.ROOT_DOMAIN if subdomain is None else f"{subdomain}.{settings.ROOT_DOMAIN}"
