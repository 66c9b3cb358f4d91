"""Field-level encryption and keyed lookup hashes for personal identifiers (resident ID, mobile number).

The cipher is pluggable (FIELD_CIPHER): `fernet` (AES-128-CBC + HMAC, the default) under FIELD_ENCRYPTION_KEYS,
or `sm4` (SM4-GCM, GB/T 32907, for deployments whose commercial-cryptography assessment (密评) asks for
national algorithms) under FIELD_SM4_KEYS (32 hex digits each). In both lists the first key encrypts and
every key decrypts, so keys can be rotated; a token says which cipher made it (SM4 tokens start with "sm4:"),
so tokens of both kinds are read during a change of cipher, and `manage.py rotate_field_keys` re-encrypts
them all under the first key of the configured cipher. Exact-match search uses HMAC-SHA256 under
LOOKUP_HASH_KEY, which reveals nothing without the key. The keys come from the environment; development
derives them from SECRET_KEY, and `manage.py check --deploy` reports an error when production does the same.
"""

import base64
import binascii
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

SM4_PREFIX = "sm4:"
NONCE_BYTES = 12
TAG_BYTES = 16


def _derived(label: str) -> bytes:
    return hashlib.sha256(f"{label}:{settings.SECRET_KEY}".encode()).digest()


def _fernet_keys() -> list:
    keys = settings.FIELD_ENCRYPTION_KEYS or [base64.urlsafe_b64encode(_derived("field-encryption")).decode()]
    return [Fernet(key.encode() if isinstance(key, str) else key) for key in keys]


@cache
def _fernet() -> MultiFernet:
    return MultiFernet(_fernet_keys())


@cache
def _first_fernet() -> Fernet:
    return _fernet_keys()[0]


@cache
def _sm4_keys() -> tuple[bytes, ...]:
    configured = getattr(settings, "FIELD_SM4_KEYS", [])
    if not configured:
        return (_derived("field-encryption-sm4")[:16],)
    keys = []
    for key in configured:
        try:
            raw = binascii.unhexlify(key)
        except (binascii.Error, ValueError):
            raise ValueError("FIELD_SM4_KEYS: each key is 32 hexadecimal digits.") from None
        if len(raw) != 16:
            raise ValueError("FIELD_SM4_KEYS: each key is 32 hexadecimal digits.")
        keys.append(raw)
    return tuple(keys)


def cipher_name() -> str:
    return getattr(settings, "FIELD_CIPHER", "fernet")


def _sm4_encrypt(value: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_sm4_keys()[0]), modes.GCM(nonce)).encryptor()
    sealed = encryptor.update(value) + encryptor.finalize()
    return SM4_PREFIX + base64.urlsafe_b64encode(nonce + sealed + encryptor.tag).decode()


def _sm4_decrypt(token: str) -> bytes:
    raw = base64.urlsafe_b64decode(token.removeprefix(SM4_PREFIX).encode())
    nonce, sealed, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    for key in _sm4_keys():
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        try:
            return decryptor.update(sealed) + decryptor.finalize()
        except InvalidTag:
            continue
    raise InvalidToken


def encrypt(value: str) -> str:
    if cipher_name() == "sm4":
        return _sm4_encrypt(value.encode())
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        if token.startswith(SM4_PREFIX):
            return _sm4_decrypt(token).decode()
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, binascii.Error):
        # SECURITY: never fall back to showing the stored token; a wrong key is an operations error.
        raise ValueError("Cannot decrypt a protected field: check FIELD_ENCRYPTION_KEYS / FIELD_SM4_KEYS.") from None


def is_current(token: str) -> bool:
    """Whether `token` is made by the configured cipher's first key (else rotate_field_keys re-encrypts it)."""
    if not token:
        return True
    if cipher_name() == "sm4":
        if not token.startswith(SM4_PREFIX):
            return False
        raw = base64.urlsafe_b64decode(token.removeprefix(SM4_PREFIX).encode())
        nonce, sealed, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(_sm4_keys()[0]), modes.GCM(nonce, tag)).decryptor()
        try:
            decryptor.update(sealed)
            decryptor.finalize()
        except InvalidTag:
            return False
        return True
    if token.startswith(SM4_PREFIX):
        return False
    try:
        _first_fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """`token` under the configured cipher's first key (unchanged if it is already)."""
    return token if is_current(token) else encrypt(decrypt(token))


def clear_caches() -> None:
    """Forget the keys read from settings (tests that change them; a process reads them once)."""
    _fernet.cache_clear()
    _first_fernet.cache_clear()
    _sm4_keys.cache_clear()


@cache
def _lookup_key() -> bytes:
    return settings.LOOKUP_HASH_KEY.encode() if settings.LOOKUP_HASH_KEY else _derived("lookup-hash")


def lookup_hash(value: str) -> str:
    """Keyed hash for exact-match search (value must already be normalised)."""
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()
