from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def encryption_keys_are_set(app_configs, **kwargs):
    """Production must set its own keys; deriving them from SECRET_KEY is for development only."""
    errors = []
    if not settings.FIELD_ENCRYPTION_KEYS:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS is not set.",
                id="registry.E001",
                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
            )
        )
    if getattr(settings, "FIELD_CIPHER", "fernet") not in ("fernet", "sm4"):
        errors.append(Error("FIELD_CIPHER must be fernet or sm4.", id="registry.E003"))
    if getattr(settings, "FIELD_CIPHER", "fernet") == "sm4" and not getattr(settings, "FIELD_SM4_KEYS", []):
        errors.append(
            Error(
                "FIELD_CIPHER is sm4 but FIELD_SM4_KEYS is not set.",
                id="registry.E004",
                hint="Generate one with: python -c 'import secrets; print(secrets.token_hex(16))'",
            )
        )
    if not settings.LOOKUP_HASH_KEY:
        errors.append(
            Error(
                "LOOKUP_HASH_KEY is not set.",
                id="registry.E002",
                hint="Any long random string, e.g. python -c 'import secrets; print(secrets.token_hex(32))'",
            )
        )
    return errors
