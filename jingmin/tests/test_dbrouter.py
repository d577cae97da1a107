"""The replica router: analytics reads go to the replica when one is configured; nothing else does."""

from django.db import transaction

from jingmin.analytics.models import Incident
from jingmin.dbrouter import ReplicaRouter
from jingmin.org.models import Unit


def test_without_a_replica_everything_uses_the_primary(settings):
    router = ReplicaRouter()
    assert "replica" not in settings.DATABASES
    assert router.db_for_read(Incident) is None
    assert router.db_for_write(Incident) == "default"


def test_with_a_replica_only_the_named_apps_read_from_it(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    settings.REPLICA_APPS = ["analytics"]
    router = ReplicaRouter()
    assert router.db_for_read(Incident) == "replica"
    assert router.db_for_read(Unit) is None
    assert router.db_for_write(Incident) == "default"
    assert router.allow_migrate("replica", "analytics") is False
    assert router.allow_migrate("default", "analytics") is True


def test_inside_a_transaction_reads_stay_on_the_primary(settings, db):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    settings.REPLICA_APPS = ["analytics"]
    with transaction.atomic():
        assert ReplicaRouter().db_for_read(Incident) == "default"
