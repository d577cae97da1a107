"""Import kinds are declared by their apps (``<app>/importers.py``) and found through the app registry."""

import pytest

from jingmin import imports


def test_apps_declare_their_kinds():
    places, persons, households = (imports.importer(k) for k in ("places", "persons", "households"))
    assert places.validate.__module__ == "jingmin.places.actions"
    assert persons.validate.__module__ == households.validate.__module__ == "jingmin.people.actions"
    assert set(persons.unique) == {"national_id"} and not places.unique
    assert {places.capability, persons.capability} == {"places.import", "people.import"}


@pytest.mark.parametrize(
    "url", ["/places/import/", "/people/import/", "/people/households/import/template/?format=csv"]
)
def test_pages_refuse_roles_without_the_capability(client, w, url):
    client.force_login(w.inside["community_partner"])
    assert client.get(url).status_code == 403
    client.force_login(w.inside["station_chief"])
    assert client.get(url).status_code == 200
