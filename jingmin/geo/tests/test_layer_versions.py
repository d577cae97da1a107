"""Layer versions, a row per key: the triggers each app's migration created bump only their own key, in
the same statement as any write; rows a flush removed come back; the old one-row table is gone."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from jingmin.geo import layerauth, versions
from jingmin.geo.models import LayerVersion
from jingmin.org.models import Officer, Unit, Village
from jingmin.people.models import Category as PersonCategory
from jingmin.people.models import Person
from jingmin.people.testing import make_person
from jingmin.places.models import Category, Place
from jingmin.places.testing import make_place

KEYS = {"places", "persons", "org", "auth"}


def changed(write):
    before = versions.read()
    write()
    after = versions.read()
    return {k for k in KEYS if before.get(k) != after.get(k)}


def test_every_key_has_a_row_after_migrating(db):
    assert KEYS <= set(versions.read())
    assert "places_layerversion" not in connection.introspection.table_names()


def test_each_write_bumps_its_own_key(w):
    chief = w.inside["station_chief"]
    place = make_place(chief, w.beat)
    person = make_person(w.inside["beat_officer"], w.beat)
    assert changed(lambda: Place.objects.filter(pk=place.pk).update(risk=1)) == {"places"}
    assert changed(lambda: Category.objects.filter(code="tea-shop").update(name="茶室")) == {"places"}
    assert changed(lambda: Person.objects.filter(pk=person.pk).update(notes="x")) == {"persons"}
    assert changed(lambda: PersonCategory.objects.update(active=True)) == {"persons"}
    assert changed(lambda: Unit.objects.filter(pk=w.beat.pk).update(name="新警勤區")) == {"org"}
    assert changed(lambda: Village.objects.filter(pk=place.village_id).update(beat=w.beat2)) == {"org"}
    link = Unit.districts.through.objects.first()
    assert changed(lambda: Unit.districts.through.objects.filter(pk=link.pk).delete()) == {"org"}
    assert changed(lambda: chief.groups.add(Group.objects.first())) == {"auth"}
    assert changed(lambda: Officer.objects.filter(user=chief).update(unit=w.beat)) == {"auth"}
    assert changed(lambda: type(chief).objects.filter(pk=chief.pk).update(first_name="x")) == {"auth"}
    assert changed(lambda: Place.objects.filter(pk=place.pk).delete()) == {"places"}


def test_a_rolled_back_write_never_brings_an_old_version_back(w):
    before = versions.read()["places"]
    with pytest.raises(RuntimeError), transaction.atomic():
        Place.objects.update(risk=2)
        assert versions.read()["places"] != before
        raise RuntimeError
    assert versions.read()["places"] == before
    Place.objects.update(risk=2)
    assert versions.read()["places"] != before


def test_rows_a_flush_removed_come_back(client, w):
    LayerVersion.objects.filter(key__in=["places", "auth"]).delete()
    user = w.inside["station_chief"]
    client.force_login(user)
    assert client.get("/api/v1/places.geojson?zoom=13").status_code == 200
    assert KEYS <= set(versions.read())
    assert set(layerauth.ensure_versions()) >= KEYS


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_trigger_statements_name_the_table_and_key(vendor):
    forward = versions.trigger_sql(vendor, "cctv_camera", "cctv", lambda n: f'"{n}"')
    reverse = versions.trigger_sql(vendor, "cctv_camera", "cctv", lambda n: f'"{n}"', reverse=True)
    creates = [s for s in forward if s.startswith("CREATE TRIGGER")]
    assert creates and all('"cctv_camera"' in s for s in creates)
    assert all("'cctv'" in s for s in creates)
    assert reverse and all(s.startswith("DROP TRIGGER IF EXISTS") for s in reverse)
    assert versions.trigger_sql("oracle", "cctv_camera", "cctv", str) == []
