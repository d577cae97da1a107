"""Reads of the heavy apps go to a read replica when one is configured (settings.REPLICA_URL).

Only reads of models of ``settings.REPLICA_APPS`` (default: analytics) are routed; writes, migrations
and every other read stay on the primary, so a page never misses its own write. A request that wrote
to the primary keeps reading from it too inside a transaction (``in_atomic_block``).
"""

from django.conf import settings
from django.db import connections


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if "replica" not in settings.DATABASES:
            return None
        if model._meta.app_label not in getattr(settings, "REPLICA_APPS", ()):
            return None
        if connections["default"].in_atomic_block:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"
