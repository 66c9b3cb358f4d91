"""Field-level encryption and keyed lookup hashes for personal identifiers (resident ID, mobile number).

Values are encrypted with Fernet (AES-128-CBC + HMAC) under FIELD_ENCRYPTION_KEYS; the first key encrypts,
every key decrypts, so keys can be rotated. Exact-match search uses HMAC-SHA256 under LOOKUP_HASH_KEY, which
reveals nothing without the key. Both keys come from the environment; development derives them from
SECRET_KEY, and `manage.py check --deploy` reports an error when production does the same.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _derived(label: str) -> bytes:
    return hashlib.sha256(f"{label}:{settings.SECRET_KEY}".encode()).digest()


@cache
def _fernet() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS or [base64.urlsafe_b64encode(_derived("field-encryption")).decode()]
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


@cache
def _lookup_key() -> bytes:
    return settings.LOOKUP_HASH_KEY.encode() if settings.LOOKUP_HASH_KEY else _derived("lookup-hash")


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # SECURITY: never fall back to showing the stored token; a wrong key is an operations error.
        raise ValueError("Cannot decrypt a protected field: check FIELD_ENCRYPTION_KEYS.") from None


def lookup_hash(value: str) -> str:
    """Keyed hash for exact-match search (value must already be normalised)."""
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()
