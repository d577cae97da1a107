"""Jurisdiction scoping, role by role, inside and outside, through pages, API and map GeoJSON."""

import pytest

from jingmin.org import roles
from jingmin.org.models import Unit, Village

ALL_ROLES = roles.ROLES
UNIT_READERS = {r for r in ALL_ROLES if r in roles.CAPABILITIES["org.view_units"]}


def codes(response):
    data = response.json()
    if isinstance(data, dict) and "features" in data:
        return {f["properties"]["code"] for f in data["features"]}
    return {u["code"] for u in data}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_units_api_is_the_users_subtree(client, w, role):
    user = w.inside[role]
    client.force_login(user)
    got = codes(client.get("/api/v1/units"))
    if role not in UNIT_READERS and not user.is_superuser:
        assert got == set()
        return
    expected = set(
        Unit.objects.filter(path__startswith=user.officer.unit.path).values_list("code", flat=True)
    )
    if user.is_superuser:
        expected = set(Unit.objects.values_list("code", flat=True))
    assert got == expected
    assert user.officer.unit.code in got


@pytest.mark.parametrize("role", ALL_ROLES)
def test_outsider_sees_nothing_of_the_demo_precinct(client, w, role):
    client.force_login(w.outside[role])
    for path in [
        "/api/v1/units",
        "/api/v1/units.geojson?kind=beat",
        "/api/v1/units.geojson?kind=station",
        "/api/v1/villages",
        "/api/v1/districts",
    ]:
        got = codes(client.get(path))
        assert not any(c.startswith("TNPD-P05") for c in got), (role, path)
        assert w.beat.villages.first().code not in got
        assert "67000340" not in got  # 北區 (the demo precinct's district)
    assert client.get(f"/api/v1/units/{w.station.code}").status_code == 404
    # a role that may read units gets "not found" for one outside its tree; any other role is refused
    expected = 404 if roles.can(w.outside[role], "org.view_units") else 403
    assert client.get(f"/org/units/{w.station.code}/").status_code == expected


def test_beat_officer_sees_own_beat_not_sibling(client, w):
    client.force_login(w.inside[roles.BEAT_OFFICER])
    assert codes(client.get("/api/v1/units")) == {w.beat.code}
    assert client.get(f"/api/v1/units/{w.beat2.code}").status_code == 404
    assert client.get(f"/api/v1/units/{w.station.code}").status_code == 404
    assert client.get(f"/org/units/{w.beat.code}/").status_code == 200
    assert client.get(f"/org/units/{w.beat2.code}/").status_code == 404
    villages = codes(client.get("/api/v1/villages"))
    assert villages == set(Village.objects.filter(beat=w.beat).values_list("code", flat=True))
    beats = codes(client.get("/api/v1/units.geojson?kind=beat"))
    assert beats == {w.beat.code}
    assert codes(client.get("/api/v1/districts")) == {w.beat.villages.first().district.code}


def test_station_chief_sees_station_subtree_only(client, w):
    client.force_login(w.inside[roles.STATION_CHIEF])
    got = codes(client.get("/api/v1/units"))
    assert w.beat.code in got and w.beat2.code in got and w.station.code in got
    assert w.sibling_station.code not in got and w.precinct.code not in got
    page = client.get("/org/units/")
    assert w.beat2.name in page.content.decode()
    assert w.sibling_station.name not in page.content.decode()
    assert client.get(f"/org/units/{w.sibling_station.code}/").status_code == 404


def test_precinct_user_sees_precinct_villages(client, w):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    villages = codes(client.get("/api/v1/villages"))
    assert villages == set(Village.objects.filter(district__code="67000340").values_list("code", flat=True))
    assert codes(client.get("/api/v1/districts")) == {"67000340"}


def test_bureau_analyst_sees_city(client, w):
    client.force_login(w.inside[roles.BUREAU_ANALYST])
    assert len(codes(client.get("/api/v1/villages"))) == 649
    assert len(codes(client.get("/api/v1/districts"))) == 37
    assert len(codes(client.get("/api/v1/units.geojson?kind=precinct"))) == 16


@pytest.mark.parametrize(
    "path", ["/api/v1/units", "/api/v1/villages", "/api/v1/districts", "/api/v1/units.geojson?kind=beat"]
)
def test_user_without_unit_sees_nothing(client, w, path):
    client.force_login(w.nounit)
    assert codes(client.get(path)) == set()


def test_user_without_unit_pages(client, w):
    client.force_login(w.nounit)
    assert client.get(f"/org/units/{w.beat.code}/").status_code == 404
    home = client.get("/")
    assert home.status_code == 200
    assert Unit.objects.visible_to(w.nounit).count() == 0


def test_anonymous_is_refused(client, w):
    assert client.get("/api/v1/units").status_code == 401
    assert client.get("/org/units/").status_code == 302
    assert client.get("/map/").status_code == 302


def test_partner_may_not_list_units(client, w):
    client.force_login(w.inside[roles.COMMUNITY_PARTNER])
    assert client.get("/org/units/").status_code == 403
    assert client.get("/map/").status_code == 200


def test_inactive_user_sees_nothing(w):
    user = w.inside[roles.STATION_CHIEF]
    user.is_active = False
    assert Unit.objects.visible_to(user).count() == 0


@pytest.mark.parametrize(
    "role,visible,hidden",
    [
        (roles.BEAT_OFFICER, ["/map/", "/org/units/", "/org/training/"], ["/audit/"]),
        (roles.ADMINISTRATOR, ["/map/", "/org/units/", "/audit/"], []),
        (roles.COMMUNITY_PARTNER, ["/map/"], ["/org/units/", "/audit/", "/org/training/"]),
    ],
)
def test_home_page_offers_the_roles_pages(client, w, role, visible, hidden):
    client.force_login(w.inside[role])
    html = client.get("/").content.decode()
    for href in visible:
        assert f'class="card tile" href="{href}"' in html, href
    for href in hidden:
        assert f'class="card tile" href="{href}"' not in html, href
