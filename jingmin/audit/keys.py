"""The keys of the audit chain: HMAC keys that live outside the database.

``JINGMIN_AUDIT_KEYS`` ("2027:secret,2026:older") or ``JINGMIN_AUDIT_KEY_FILE`` (one "id:secret" per
line) give them, newest first: the first signs new events and checkpoints, all of them verify (so a key
can be rotated without rewriting the chain; each event records the id of its key). Unset, one key with
the id ``s0`` is derived from ``SECRET_KEY`` — which is in the environment or ``var/secret_key``, never
in the database, so someone holding only the database role cannot recompute the chain.
"""

import hashlib
import hmac
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _pairs():
    entries = list(getattr(settings, "AUDIT_KEYS", []) or [])
    key_file = getattr(settings, "AUDIT_KEY_FILE", "")
    if key_file:
        entries += [line.strip() for line in Path(key_file).read_text().splitlines() if line.strip()]
    if not entries:
        derived = hmac.new(settings.SECRET_KEY.encode(), b"jingmin audit chain", hashlib.sha256).hexdigest()
        return [("s0", derived)]
    pairs = []
    for entry in entries:
        key_id, sep, secret = entry.partition(":")
        if not sep or not key_id.strip() or len(secret.strip()) < 16 or len(key_id.strip()) > 32:
            raise ImproperlyConfigured(
                "JINGMIN_AUDIT_KEYS entries are id:secret with an id of at most 32 characters "
                "and a secret of at least 16"
            )
        pairs.append((key_id.strip(), secret.strip()))
    return pairs


def keys():
    """{key id: secret bytes}."""
    return {key_id: secret.encode() for key_id, secret in _pairs()}


def current():
    """(key id, secret bytes) that signs new events."""
    key_id, secret = _pairs()[0]
    return key_id, secret.encode()


def mac(secret, text):
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()
