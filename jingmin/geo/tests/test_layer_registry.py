"""The map-layer registry: apps' layers are found through the app registry, a layer declared by any app
is served with the roles' points or counts in the caller's scope, and declarations are checked."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from jingmin.geo import layers
from jingmin.org import roles


def test_installed_apps_layers_are_registered():
    found = layers.registered()
    assert {"places", "persons"} <= set(found)
    assert type(found["places"]).__module__ == "jingmin.places.layers"
    assert type(found["persons"]).__module__ == "jingmin.people.layers"
    assert found["places"].version_keys() == ("places", "org")
    assert found["persons"].version_keys() == ("persons", "org")


def test_bad_declarations_are_refused():
    class NoKey(layers.PointLayer):
        points_capability = "places.view"

    class NoCapability(layers.PointLayer):
        key = "nothing"

    class SecondPlaces(layers.PointLayer):
        key = "places"
        points_capability = "places.view"

    for bad in (NoKey, NoCapability, SecondPlaces):
        with pytest.raises(ImproperlyConfigured):
            layers.register(bad)
    assert type(layers.get("places")).__name__ == "PlacesLayer"
    with pytest.raises(LookupError):
        layers.get("no-such-layer")
    with pytest.raises(ImproperlyConfigured):
        NoKey().rows(None, {}, None)


class VisitedPlaces(layers.PointLayer):
    """A layer as a new app would declare it: points for one capability, counts per village for another."""

    key = "test-visited-places"
    points_capability = "visits.view"
    counts_capability = "places.view"
    versions = ("places", "org")
    fields = {"name": "name", "high": "risk"}
    show_mode = True

    def rows(self, user, filters, day):
        from jingmin.places.models import Place

        return Place.objects.visible_to(user, "visits.view").filter(active=True)

    def counted(self, day):
        from jingmin.places.models import Place

        return Place.objects.filter(active=True)


@pytest.fixture
def visited():
    layer = layers.register(VisitedPlaces)
    yield layer
    layers._registry.pop(layer.key)


def _place(w):
    from jingmin.places.testing import make_place

    return make_place(w.inside["station_chief"], w.beat, risk=3)


def test_a_declared_layer_is_served_by_role_and_scope(w, visited):
    place = _place(w)
    seen = set()
    for role in roles.ROLES:
        for user, inside in ((w.inside[role], True), (w.outside[role], False)):
            mode = visited.mode(user)
            seen.add(mode)
            if mode == layers.NONE:
                with pytest.raises(PermissionDenied):
                    layers.require(visited.key, user)
                data = layers.geojson(visited.key, user, zoom=16)
                assert data["features"] == [] and data["mode"] == "none"
                continue
            layers.require(visited.key, user)
            data = layers.geojson(visited.key, user, zoom=16)
            assert data["mode"] == mode
            if mode == layers.POINTS:
                mine = [f for f in data["features"] if f.get("id") == place.pk]
                assert bool(mine) is inside, (role, inside)
                if mine:
                    assert mine[0]["properties"] == {"name": place.name, "high": 3}
            else:
                assert place.name not in str(data)
                codes = {f["properties"]["village"] for f in data["features"]}
                assert (place.village.code in codes) is inside, (role, inside)
    assert seen == {layers.POINTS, layers.COUNTS, layers.NONE}


def test_a_declared_layer_refuses_bad_viewports(w, visited):
    user = w.inside["station_chief"]
    with pytest.raises(ValidationError):
        layers.answer(visited.key, user, bbox="1,2,3")
    with pytest.raises(ValidationError):
        layers.answer(visited.key, user, zoom="21")
