"""The layer caches never widen a scope: answers are keyed by jurisdiction and by what the role may see,
bearer tokens are checked on every request, bad bbox/zoom are refused with translated errors."""

import datetime as dt

import pytest
from django.utils import timezone

from jingmin.geo import layers, pointcache
from jingmin.org import roles
from jingmin.org.models import ApiToken
from jingmin.people.testing import make_person
from jingmin.places.testing import make_place

BBOX = "120.15,22.95,120.25,23.05"
LAYERS = ("places", "persons")


@pytest.fixture
def objs(w):
    return {
        "place": make_place(w.inside["station_chief"], w.beat),
        "person": make_person(w.inside["beat_officer"], w.beat),
    }


def get(client, user, layer, bbox=BBOX, zoom=16):
    client.force_login(user)
    return client.get(f"/api/v1/{layer}.geojson?bbox={bbox}&zoom={zoom}")


@pytest.mark.parametrize("role", roles.ROLES)
def test_warm_cache_answers_each_user_in_their_own_scope(client, w, objs, role):
    # twice round, so the second round of each user is answered from the cache
    for _ in range(2):
        for user, inside in ((w.inside[role], True), (w.outside[role], False)):
            r = get(client, user, "places")
            if roles.can(user, "places.view"):
                assert (objs["place"].pk in [f.get("id") for f in r.json()["features"]]) is inside
            else:
                assert r.status_code == 403
            r = get(client, user, "persons")
            data = r.json()
            if roles.can(user, "people.view"):
                assert data["mode"] == "points"
                assert (objs["person"].pk in [f.get("id") for f in data["features"]]) is inside
            else:
                assert data["mode"] == "village-counts"
                assert objs["person"].name not in r.content.decode()
                assert all(
                    set(f["properties"]) == {"village", "name", "count", "cluster"} for f in data["features"]
                )


def test_different_jurisdictions_never_share_an_answer(client, w, objs):
    pointcache.clear()
    inside, outside = w.inside["station_chief"], w.outside["station_chief"]
    assert layers.scope_key(inside) != layers.scope_key(outside)
    get(client, inside, "places")
    keys_inside = set(pointcache._answers)
    get(client, outside, "places")
    keys_outside = set(pointcache._answers) - keys_inside
    assert len(keys_inside) == len(keys_outside) == 1
    (ki,), (ko,) = keys_inside, keys_outside
    assert ki[1] == w.station.path and ko[1] == w.outside["station_chief"].officer.unit.path
    assert objs["place"].name.encode() not in pointcache._answers[ko][2]


def test_points_and_counts_of_the_same_unit_never_share_an_answer(client, w, objs):
    """Two users of one unit: a beat officer (points) and a partner moved into the same beat (counts)."""
    from jingmin.org.models import Officer

    officer, partner = w.inside["beat_officer"], w.inside[roles.COMMUNITY_PARTNER]
    Officer.objects.filter(user=partner).update(unit=w.beat)
    assert objs["person"].name in get(client, officer, "persons").content.decode()
    r = get(client, partner, "persons")
    assert r.json()["mode"] == "village-counts" and objs["person"].name not in r.content.decode()


def test_superuser_and_no_unit(client, w, objs, django_user_model):
    admin = django_user_model.objects.create_superuser("layer-root", password="x")
    assert objs["place"].pk in [f.get("id") for f in get(client, admin, "places").json()["features"]]
    nounit = w.nounit
    data = get(client, nounit, "places").json()
    assert data["features"] == [] and data["total"] == 0
    assert get(client, nounit, "persons").json()["features"] == []


def bearer(client, raw, layer="places"):
    return client.get(f"/api/v1/{layer}.geojson?bbox={BBOX}&zoom=16", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_token_revoked_expired_or_user_disabled_is_refused_at_once(client, w, objs):
    user = w.inside["station_chief"]
    token, raw = ApiToken.issue(user)
    for layer in LAYERS:
        assert bearer(client, raw, layer).status_code == 200  # warm: the answer is cached now
    assert objs["place"].pk in [f.get("id") for f in bearer(client, raw).json()["features"]]
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert client.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 204
    for layer in LAYERS:
        r = bearer(client, raw, layer)
        assert r.status_code == 401 and "detail" in r.json()

    token, raw = ApiToken.issue(user)
    assert bearer(client, raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(client, raw).status_code == 401

    token, raw = ApiToken.issue(user)
    assert bearer(client, raw, "persons").status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert bearer(client, raw, "persons").status_code == 401
    assert bearer(client, "jm_not-a-token").status_code == 401


def test_token_user_role_and_unit_are_read_fresh(client, w, objs):
    from django.contrib.auth.models import Group

    from jingmin.org.models import Officer

    user = w.inside["beat_officer"]
    _token, raw = ApiToken.issue(user)
    assert bearer(client, raw, "persons").json()["mode"] == "points"
    user.groups.set([Group.objects.get(name=roles.SOCIAL_LIAISON)])
    assert bearer(client, raw, "persons").json()["mode"] == "village-counts"
    assert bearer(client, raw, "places").status_code == 403
    user.groups.set([Group.objects.get(name=roles.BEAT_OFFICER)])
    assert objs["place"].pk in [f.get("id") for f in bearer(client, raw).json()["features"]]
    Officer.objects.filter(user=user).update(unit=w.other_beat)
    assert objs["place"].pk not in [f.get("id") for f in bearer(client, raw).json()["features"]]


@pytest.mark.parametrize("layer", LAYERS)
def test_bad_bbox_and_zoom_are_refused_with_translated_errors(client, w, layer):
    client.force_login(w.inside["bureau_analyst"])
    _token, raw = ApiToken.issue(w.inside["bureau_analyst"])
    cases = [
        ("bbox=1,2,3", "bbox"),
        ("bbox=3,2,1,4", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("zoom=99", "zoom"),
        ("zoom=-1", "zoom"),
        ("zoom=x", "zoom"),
    ]
    for query, field in cases:
        r = client.get(f"/api/v1/{layer}.geojson?{query}", HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, query
        r = client.get(f"/api/v1/{layer}.geojson?{query}", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, query
    zh = client.get(f"/api/v1/{layer}.geojson?zoom=99").json()
    assert zh["detail"] and zh["errors"][0]["message"] == "zoom 必須是 0 到 20 的整數。"
    en = client.get(f"/api/v1/{layer}.geojson?bbox=1,2,3", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["errors"][0]["message"].startswith("bbox must be four numbers")
