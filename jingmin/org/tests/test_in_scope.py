"""The one scope rule: ``in_scope`` agrees with ``visible_to`` for every unit, and ``require(unit=…)``
refuses units outside the jurisdiction."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import translation

from jingmin.org import roles
from jingmin.org.models import Unit
from jingmin.org.scoping import EVERYWHERE, in_scope, jurisdiction


@pytest.mark.parametrize("role", ["beat_officer", "station_chief", "precinct_officer"])
def test_in_scope_is_the_subtree_visible_to_shows(w, role):
    for user in (w.inside[role], w.outside[role]):
        visible = set(Unit.objects.visible_to(user).values_list("pk", flat=True))
        assert visible, role
        for unit in Unit.objects.all():
            assert in_scope(user, unit) is (unit.pk in visible), (user.username, unit.code)


def test_inside_and_outside_of_a_station(w):
    chief = w.inside["station_chief"]
    assert jurisdiction(chief) == w.station
    assert in_scope(chief, w.station) and in_scope(chief, w.beat) and in_scope(chief, w.beat2)
    assert not in_scope(chief, w.precinct)  # the parent is outside
    assert not in_scope(chief, w.sibling_station) and not in_scope(chief, w.other_beat)
    assert not in_scope(chief, None)


def test_superuser_everywhere_nobody_else_without_a_unit(w, django_user_model):
    root = django_user_model.objects.create_superuser("scope-root", password="x")
    assert jurisdiction(root) is EVERYWHERE and in_scope(root, w.other_beat)
    assert jurisdiction(w.nounit) is None and not in_scope(w.nounit, w.beat)
    assert not in_scope(AnonymousUser(), w.beat) and not in_scope(None, w.beat)
    officer = w.inside["beat_officer"]
    officer.is_active = False
    assert jurisdiction(officer) is None and not in_scope(officer, w.beat)


@translation.override("en")
def test_require_with_a_unit_uses_the_scope_rule(w):
    chief = w.inside["station_chief"]
    officer = w.inside["beat_officer"]
    capability = next(
        c for c, holders in roles.CAPABILITIES.items() if {roles.STATION_CHIEF, roles.BEAT_OFFICER} <= holders
    )
    roles.require(chief, capability, unit=w.beat)
    roles.require(officer, capability, unit=w.beat)
    with pytest.raises(PermissionDenied, match="outside"):
        roles.require(chief, capability, unit=w.other_beat)
    with pytest.raises(PermissionDenied, match="outside"):
        roles.require(officer, capability, unit=w.beat2)
