"""Encryption at rest for secrets and personal data, shared by every app.

* :func:`encrypt` / :func:`decrypt` use ``cryptography``'s MultiFernet: the first key of
  ``JINGMIN_FERNET_KEYS`` (comma-separated Fernet keys) encrypts, every listed key decrypts, so a key
  is rotated by putting a new one first and running :func:`rotate` over the stored values. Without
  ``JINGMIN_FERNET_KEYS`` one key is derived from ``SECRET_KEY`` (fine for a single machine; set the
  variable in production so that changing the secret key does not make data unreadable).
* :func:`blind_index` is a keyed HMAC-SHA256 for exact lookups of encrypted values (a LINE user ID,
  a national ID number) without storing them in clear. Its key is ``JINGMIN_BLIND_INDEX_KEY``, else
  derived from ``SECRET_KEY``; it does not rotate with the Fernet keys (indexes would stop matching).
* :class:`EncryptedTextField` stores a ``str`` encrypted and gives it back decrypted.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

__all__ = ["EncryptedTextField", "InvalidToken", "blind_index", "decrypt", "encrypt", "mask", "rotate"]


def _derived_key(secret, purpose):
    return base64.urlsafe_b64encode(hashlib.sha256(f"jingmin:{purpose}:{secret}".encode()).digest())


def _configured_keys():
    keys = tuple(getattr(settings, "FERNET_KEYS", ()) or ())
    return keys or (_derived_key(settings.SECRET_KEY, "fernet").decode(),)


@lru_cache(maxsize=4)
def _multifernet(keys):
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def _fernet():
    return _multifernet(_configured_keys())


def encrypt(text):
    """Encrypt a string; ``""`` and ``None`` stay empty (nothing to protect)."""
    if not text:
        return ""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token):
    """Decrypt a value written by :func:`encrypt`. Raises :class:`InvalidToken` when no key fits."""
    if not token:
        return ""
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token):
    """Re-encrypt ``token`` with the current first key (after adding a new key to the front)."""
    if not token:
        return ""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


def blind_index(value, purpose="default"):
    """A stable keyed hash of ``value`` for exact lookups of an encrypted column."""
    key = getattr(settings, "BLIND_INDEX_KEY", "") or settings.SECRET_KEY
    material = hashlib.sha256(f"jingmin:blind:{purpose}:{key}".encode()).digest()
    return hmac.new(material, value.encode("utf-8"), hashlib.sha256).hexdigest()


def mask(value, keep=4):
    """Show only the ends of an identifier: ``U1234…cdef``."""
    if not value:
        return ""
    if len(value) <= keep * 2:
        return "…"
    return f"{value[:keep]}…{value[-keep:]}"


class EncryptedTextField(models.TextField):
    """A text column whose content is Fernet-encrypted in the database (not searchable)."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""

    def to_python(self, value):
        return value if value is not None else ""
