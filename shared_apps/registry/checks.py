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
    if not settings.LOOKUP_HASH_KEY:
        errors.append(
            Error(
                "LOOKUP_HASH_KEY is not set.",
                id="registry.E002",
                hint="Any long random string, e.g. python -c 'import secrets; print(secrets.token_hex(32))'",
            )
        )
    return errors
