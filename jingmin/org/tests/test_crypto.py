"""Encryption at rest (MultiFernet, key rotation) and blind indexes (jingmin.org.crypto)."""

import pytest
from cryptography.fernet import Fernet

from jingmin.org import crypto


def test_round_trip_and_not_stored_in_clear():
    token = crypto.encrypt("U1234567890abcdef")
    assert "U1234567890abcdef" not in token
    assert crypto.decrypt(token) == "U1234567890abcdef"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_key_rotation(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FERNET_KEYS = [old]
    token = crypto.encrypt("secret")
    settings.FERNET_KEYS = [new, old]  # new key first: encrypts; old still decrypts
    assert crypto.decrypt(token) == "secret"
    rotated = crypto.rotate(token)
    settings.FERNET_KEYS = [new]
    assert crypto.decrypt(rotated) == "secret"
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


def test_default_key_is_derived_from_the_secret_key(settings):
    settings.FERNET_KEYS = []
    token = crypto.encrypt("x")
    settings.SECRET_KEY = "another"
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


def test_blind_index_is_stable_and_keyed(settings):
    a = crypto.blind_index("U1", "p")
    assert a == crypto.blind_index("U1", "p") and a != crypto.blind_index("U1", "q")
    settings.BLIND_INDEX_KEY = "other"
    assert crypto.blind_index("U1", "p") != a


def test_mask():
    assert crypto.mask("U0123456789abcdef") == "U012…cdef"
