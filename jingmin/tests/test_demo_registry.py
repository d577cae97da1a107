"""The demo and seeds are found through the app registry, in dependency order, and stay idempotent."""

import types

import pytest
from django.core.management import call_command

from jingmin import demo


def test_every_app_demo_is_found_and_org_runs_first():
    labels = [label for label, _module in demo.demo_modules()]
    assert labels[0] == "org"
    for needed in ("analytics", "messaging", "visits"):
        assert needed in labels
    for label, module in demo.demo_modules():
        for before in getattr(module, "AFTER", ()):
            if before in labels:
                assert labels.index(before) < labels.index(label), (before, label)


def test_order_follows_after_not_registry_position():
    a = types.SimpleNamespace(AFTER=("b",))
    b = types.SimpleNamespace()
    c = types.SimpleNamespace(AFTER=("a", "missing-app"))
    assert [label for label, _m in demo.ordered([("c", c), ("a", a), ("b", b)])] == ["b", "a", "c"]


def test_a_dependency_loop_is_refused():
    a = types.SimpleNamespace(AFTER=("b",))
    b = types.SimpleNamespace(AFTER=("a",))
    with pytest.raises(ValueError, match="loop"):
        demo.ordered([("a", a), ("b", b)])


def test_seeds_of_each_app_are_found():
    labels = {label for label, _module in demo.seed_modules()}
    assert {"places", "people", "visits", "analytics", "messaging"} <= labels


@pytest.mark.django_db
def test_seed_command_restores_deleted_defaults_and_keeps_edits(capsys):
    from jingmin.analytics.models import IncidentCategory
    from jingmin.analytics.seeds import CATEGORIES

    unused = IncidentCategory.objects.exclude(pk__in=incident_category_ids()).order_by("code").first()
    code = unused.code
    unused.delete()
    edited = IncidentCategory.objects.exclude(code=code).order_by("pk").first()
    edited.name = "已編輯"
    edited.save()
    call_command("seed")
    assert "analytics" in capsys.readouterr().out
    assert IncidentCategory.objects.filter(code=code).exists()
    assert IncidentCategory.objects.filter(code__in=[c[0] for c in CATEGORIES]).count() == len(CATEGORIES)
    edited.refresh_from_db()
    assert edited.name == "已編輯"


def incident_category_ids():
    from jingmin.analytics.models import Incident

    return Incident.objects.values("category")
