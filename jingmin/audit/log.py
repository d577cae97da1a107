"""Writing and verifying the audit chain.

``record(...)`` is called by every ``actions.py`` write and by every sensitive read. It must run
inside the caller's transaction so that the audit row and the change commit (or roll back) together.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from jingmin.audit import keys
from jingmin.audit.middleware import current_request
from jingmin.audit.models import AuditEvent

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x4A4D4155  # "JMAU": serialises appends to the chain on PostgreSQL


def _object_ref(obj):
    if obj is None:
        return "", ""
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    return obj._meta.label_lower, str(obj.pk)


def _unit_code(unit, obj):
    if unit is None and obj is not None and not isinstance(obj, tuple):
        unit = obj if obj._meta.label_lower == "org.unit" else getattr(obj, "unit", None)
    if unit is None:
        return ""
    return unit if isinstance(unit, str) else unit.code


@transaction.atomic
def record(action, *, actor=None, obj=None, unit=None, reason="", extra=None, request=None):
    """Append one event to the chain and return it."""
    request = request or current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    object_type, object_id = _object_ref(obj)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        at=timezone.now(),
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        unit_code=_unit_code(unit, obj),
        reason=(reason or "")[:300],
        request_id=getattr(request, "request_id", "") if request is not None else "",
        extra=extra or {},
        prev_hash=last or GENESIS,
    )
    event.key_id, secret = keys.current()
    event.hash = event.compute_hash(secret)
    event.save()
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    problem: str = ""
    checkpoint: dict | None = None  # the newest valid checkpoint the chain was held against
    notes: list = field(default_factory=list)


def verify(batch_size=2000, checkpoints=True):
    """Walk the chain in id order; return the first broken link, if any.

    Each keyed event is checked with its key (an unknown key id is a failure); events without a key
    (written before keyed hashing) are accepted only before the first keyed one. Then the head is held
    against the newest signed checkpoint outside the database: the checkpointed event must still be
    there with the same hash, so removing the last events (truncation) is found too."""
    secrets = keys.keys()
    prev = GENESIS
    checked = 0
    last_id = 0
    seen_keyed = False
    checkpointed_hash = None  # the hash the chain holds for the checkpoint's event, once reached
    wanted = None
    notes = []
    if checkpoints:
        from jingmin.audit import checkpoints as cp

        wanted, notes = cp.newest_valid()
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != prev:
                return VerifyResult(
                    False, checked, event.id, "previous-hash mismatch (an event was removed or inserted)"
                )
            if event.key_id:
                seen_keyed = True
                secret = secrets.get(event.key_id)
                if secret is None:
                    return VerifyResult(
                        False,
                        checked,
                        event.id,
                        f"signed with audit key {event.key_id!r}, which is not configured",
                    )
            elif seen_keyed:
                return VerifyResult(False, checked, event.id, "an unkeyed event after keyed ones (forged)")
            else:
                secret = None
            if event.compute_hash(secret) != event.hash:
                return VerifyResult(
                    False, checked, event.id, "content does not match its hash (the event was altered)"
                )
            if wanted is not None and event.id == wanted["event_id"]:
                checkpointed_hash = event.hash
            prev = event.hash
            checked += 1
            last_id = event.id
    if wanted is not None:
        if checkpointed_hash is None:
            return VerifyResult(
                False,
                checked,
                wanted["event_id"],
                f"event {wanted['event_id']} of the checkpoint of {wanted['at']} is missing "
                "(the end of the chain was removed)",
                wanted,
                notes,
            )
        if checkpointed_hash != wanted["hash"]:
            return VerifyResult(
                False,
                checked,
                wanted["event_id"],
                f"event {wanted['event_id']} differs from the checkpoint of {wanted['at']} (the chain was rewritten)",
                wanted,
                notes,
            )
    return VerifyResult(True, checked, checkpoint=wanted, notes=notes)
