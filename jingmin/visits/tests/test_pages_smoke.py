"""Every new page and API list answers for a beat officer and a chief (a quick smoke test)."""

import pytest

PAGES = [
    "/places/", "/places/map/", "/places/new/", "/people/", "/people/new/", "/people/households/",
    "/people/households/new/", "/visits/", "/visits/today/", "/visits/log/", "/visits/intel/", "/visits/intel/new/",
    "/visits/search/", "/places/?format=csv", "/places/?format=xlsx", "/people/import/", "/places/import/",
    "/places/import/template/?format=xlsx",
]  # fmt: skip
API = [
    "/api/v1/places", "/api/v1/places.geojson", "/api/v1/households", "/api/v1/persons", "/api/v1/persons.geojson",
    "/api/v1/visits", "/api/v1/visits/due", "/api/v1/intel-reports", "/api/v1/search-requests", "/api/v1/notices",
    "/api/v1/place-categories", "/api/v1/person-categories",
]  # fmt: skip


@pytest.mark.parametrize("username", ["demo-chief", "demo-precinct"])
def test_pages_answer(client, w, username):
    client.force_login(
        w.inside["station_chief"] if username == "demo-chief" else w.inside["precinct_officer"]
    )
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
    for url in API:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])


def test_beat_officer_today(client, w):
    client.force_login(w.inside["beat_officer"])
    response = client.get("/visits/today/")
    assert response.status_code == 200
    assert response.context["count"] > 0
