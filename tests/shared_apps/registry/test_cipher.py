"""The pluggable field cipher (issue 12): Fernet by default, SM4-GCM (GB/T 32907) when FIELD_CIPHER=sm4; tokens
of both kinds read during a change; `rotate_field_keys` re-encrypts the registry in batches (progress bar) and
queues one job per congress for the public's mobile numbers."""

import io

import pytest
from django.core.management import call_command

from shared_apps.registry import crypto
from shared_apps.registry.models import Deputy
from tenant_apps.liaison import tasks as liaison_tasks
from tenant_apps.liaison.models import PublicMessage

SM4_KEY, NEW_SM4_KEY = "00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100"


@pytest.fixture
def cipher(settings):
    """Set the cipher and keys for a test; the keys read from settings are forgotten before and after."""

    def use(name: str, sm4_keys=()):
        settings.FIELD_CIPHER = name
        settings.FIELD_SM4_KEYS = list(sm4_keys)
        crypto.clear_caches()

    yield use
    crypto.clear_caches()


def test_sm4_round_trip_and_tokens_that_say_their_cipher(cipher):
    cipher("sm4", [SM4_KEY])
    token = crypto.encrypt("13885012345")
    assert token.startswith("sm4:") and "13885012345" not in token
    assert crypto.decrypt(token) == "13885012345"
    assert crypto.encrypt("13885012345") != token  # a fresh nonce every time
    # A Fernet token made before the change is still read.
    cipher("fernet")
    old = crypto.encrypt("52011119750312002X")
    cipher("sm4", [SM4_KEY])
    assert crypto.decrypt(old) == "52011119750312002X"
    assert not crypto.is_current(old) and crypto.is_current(token)


def test_a_wrong_sm4_key_is_an_error_not_a_value(cipher):
    cipher("sm4", [SM4_KEY])
    token = crypto.encrypt("x")
    cipher("sm4", [NEW_SM4_KEY])
    with pytest.raises(ValueError, match="FIELD_SM4_KEYS"):
        crypto.decrypt(token)
    cipher("sm4", ["not-hex"])
    with pytest.raises(ValueError, match="32 hexadecimal"):
        crypto.encrypt("x")


def test_rotation_re_encrypts_the_registry_and_queues_each_congress(db, cipher, desk):
    message = desk.send()
    cipher("sm4", [NEW_SM4_KEY, SM4_KEY])
    out = io.StringIO()
    call_command("rotate_field_keys", "--batch", "2", stdout=out, stderr=io.StringIO())
    deputies = list(Deputy.objects.all())
    assert deputies and all(d.id_number_token.startswith("sm4:") for d in deputies)
    assert all(crypto.is_current(d.id_number_token) and crypto.is_current(d.mobile_token) for d in deputies)
    yang = Deputy.objects.get(name="杨秀英")
    assert yang.reveal_id_number() == "52011119750312002X" and yang.reveal_mobile() == "13885012345"
    assert f"{len(deputies)} of {len(deputies)} deputies re-encrypted" in out.getvalue()
    # The congresses' own rows, by their job (here run inline for Qingyan).
    assert liaison_tasks.reencrypt_personal(schema_name=desk.qingyan.schema_name) >= 1
    with desk.qingyan:
        token = PublicMessage.objects.get(pk=message.pk).sender_mobile_encrypted
    assert token.startswith("sm4:") and crypto.is_current(token)
    # Running again changes nothing.
    again = io.StringIO()
    call_command("rotate_field_keys", stdout=again, stderr=io.StringIO())
    assert f"0 of {len(deputies)} deputies re-encrypted" in again.getvalue()
    assert liaison_tasks.reencrypt_personal(schema_name=desk.qingyan.schema_name) == 0
