import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only, hash-chained audit record.

    ``hash`` = HMAC-SHA-256, with the audit key named by ``key_id`` (kept outside the database, see
    :mod:`jingmin.audit.keys`), over the previous event's hash and this event's canonical content, so any
    change, deletion or insertion in the chain is detected by ``jingmin audit verify`` and cannot be
    covered up by recomputing the later hashes without the key. Events written before keyed hashing
    (``key_id`` empty) carry a plain SHA-256 and are accepted only before the first keyed event.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    unit_code = models.CharField(_("unit"), max_length=40, blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def content(self):
        return {
            "at": self.at.isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "unit": self.unit_code,
            "reason": self.reason,
            "request_id": self.request_id,
            "extra": self.extra,
        }

    def compute_hash(self, secret=None):
        """The event's hash: keyed (HMAC with ``secret``, the key ``key_id`` names) or, for events from
        before keyed hashing, plain SHA-256."""
        content = self.content()
        if self.key_id:
            content["key"] = self.key_id
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        if self.key_id:
            if secret is None:
                raise ValueError("a keyed audit event needs its key to be hashed")
            return hmac.new(secret, (self.prev_hash + canonical).encode(), hashlib.sha256).hexdigest()
        return hashlib.sha256((self.prev_hash + canonical).encode()).hexdigest()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"
