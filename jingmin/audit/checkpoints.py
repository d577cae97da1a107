"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint names the newest event (id, hash, count of events, time) and carries an HMAC with the
current audit key. ``jingmin audit checkpoint`` (and the daily ``audit_checkpoint`` job) writes one to
``JINGMIN_AUDIT_CHECKPOINT_DIR`` (default ``var/audit-checkpoints/``) and, when
``JINGMIN_AUDIT_CHECKPOINT_EMAIL`` is set, mails it to those addresses — a second system that someone
holding the database cannot reach. ``verify`` holds the chain against the newest valid one, so events
removed from the end, or a chain rewritten from the start, are found.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from jingmin.audit import keys
from jingmin.audit.models import AuditEvent


def directory():
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def _canonical(body):
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def write_checkpoint():
    """Write (and mail, when configured) a checkpoint of the head; returns its path, or None if the log is empty."""
    head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if head is None:
        return None
    key_id, secret = keys.current()
    body = {
        "event_id": head["id"],
        "hash": head["hash"],
        "events": AuditEvent.objects.count(),
        "at": timezone.now().isoformat(timespec="seconds"),
        "key_id": key_id,
    }
    body["mac"] = keys.mac(secret, _canonical(body))
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{head['id']:012d}-{timezone.now():%Y%m%dT%H%M%S}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    recipients = getattr(settings, "AUDIT_CHECKPOINT_EMAIL", [])
    if recipients:
        from django.core.mail import send_mail

        send_mail(
            f"Jingmin audit checkpoint {body['event_id']}",
            json.dumps(body, indent=1),
            None,
            recipients,
        )
    return path


def read(path):
    """The checkpoint in ``path`` if its signature holds, else None."""
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
        given = body.pop("mac")
        secret = keys.keys().get(body["key_id"])
        int(body["event_id"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if secret is None or keys.mac(secret, _canonical(body)) != given:
        return None
    return body


def newest_valid():
    """(newest checkpoint with a valid signature or None, notes about files that are not valid)."""
    folder = directory()
    if not folder.is_dir():
        return None, []
    notes, best = [], None
    for path in sorted(folder.glob("*.json")):
        body = read(path)
        if body is None:
            notes.append(f"{path.name}: not a valid signed checkpoint (ignored)")
        elif best is None or body["event_id"] >= best["event_id"]:
            best = body
    return best, notes
