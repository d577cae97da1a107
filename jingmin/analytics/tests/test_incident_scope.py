"""Incidents are scoped: each role sees its unit's subtree (police roles only); out of scope is 404."""

import pytest

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import Incident
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.org import roles

READERS = roles.CAPABILITIES["analytics.view_incidents"]


@pytest.fixture
def incidents(w):
    import_incidents(csv_text([row("S-1", w.beat), row("S-2", w.beat2), row("S-3", w.other_beat)]))
    return w


def ids(client, user, url="/api/v1/analytics/incidents?limit=1000&category=burglary"):
    """The incident ids the user's list shows; None when the role may not read incidents (403)."""
    response = client.get(url)
    assert response.status_code == (200 if roles.can(user, "analytics.view_incidents") else 403), (
        response.content
    )
    if response.status_code == 403:
        return None
    return {i["id"] for i in response.json()["items"] if i["id"].startswith("S-")}


@pytest.mark.parametrize("role", roles.ROLES)
def test_inside_roles(client, incidents, role):
    w = incidents
    user = w.inside[role]
    client.force_login(user)
    got = ids(client, user)
    if role not in READERS:
        assert got is None
        assert client.get("/analytics/incidents/").status_code == 403
        return
    unit = user.officer.unit
    expected = set(
        Incident.objects.filter(external_id__startswith="S-", unit__path__startswith=unit.path).values_list(
            "external_id", flat=True
        )
    )
    if user.is_superuser:
        expected = {"S-1", "S-2", "S-3"}
    assert got == expected
    assert "S-3" not in got or user.is_superuser or unit.kind == "bureau"
    page = client.get("/analytics/incidents/?category=burglary").content.decode()
    assert ("S-1" in page) == ("S-1" in expected)


@pytest.mark.parametrize("role", roles.ROLES)
def test_outside_roles_never_see_the_demo_precinct(client, incidents, role):
    w = incidents
    client.force_login(w.outside[role])
    got = ids(client, w.outside[role])
    assert not got or got <= {"S-3"}
    if got is not None:
        response = client.get(f"/api/v1/analytics/incidents?unit={w.precinct.code}")
        assert response.status_code == 404


def test_beat_officer_sees_own_beat_only(client, incidents):
    w = incidents
    client.force_login(w.inside[roles.BEAT_OFFICER])
    assert ids(client, w.inside[roles.BEAT_OFFICER]) == {"S-1"}
    assert client.get(f"/api/v1/analytics/incidents?unit={w.beat2.code}").status_code == 404


def test_user_without_unit_sees_nothing(client, incidents):
    client.force_login(incidents.nounit)
    assert ids(client, incidents.nounit) == set()


def test_bad_filters_answer_field_errors(client, incidents):
    client.force_login(incidents.inside[roles.PRECINCT_OFFICER])
    for url, field in [
        ("/api/v1/analytics/incidents?limit=0", "limit"),
        ("/api/v1/analytics/incidents?since=yesterday", "since"),
        ("/api/v1/analytics/incidents?category=nope", "category"),
    ]:
        response = client.get(url)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field
