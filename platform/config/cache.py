"""Cache keys. Most keys carry the schema name (django-tenants' make_key), so one congress never reads another's
entries; allauth's keys do not: they belong to the account, which is one across every host — the rate
limits it keeps and the TOTP codes already used (a code used on one host must not pass on another)."""

from django_tenants.cache import make_key as tenant_key

PLATFORM_WIDE_PREFIXES = ("allauth",)


def make_key(key: str, key_prefix: str, version: int) -> str:
    if key.startswith(PLATFORM_WIDE_PREFIXES):
        return f"platform:{key_prefix}:{version}:{key}"
    return tenant_key(key, key_prefix, version)


def reverse_key(key: str) -> str:
    return key.split(":", 3)[3]
