"""API channels: listed and read within the jurisdiction, registered and changed by station chiefs
(administrators) under the page's rules, secrets write-only, every write audited."""

import pytest

from jingmin.messaging.models import Channel

from .conftest import make_channel
from .helpers import Api, events_since, fields, mark


@pytest.fixture
def theirs(w):
    return make_channel(w.other_station, slug="theirs")


def test_list_and_detail_are_scoped_and_never_show_secrets(w, client, theirs):
    api = Api(client, w.inside["precinct_officer"])
    body = api.get("/channels").json()
    slugs = {c["slug"] for c in body["results"]}
    assert {"demo", "demo-email"} <= slugs and "theirs" not in slugs
    assert body["count"] == len(body["results"])
    detail = api.get("/channels/demo").json()
    assert detail["has_secret"] and detail["has_token"] and detail["quota"]["limit"] == 500
    assert "line_channel_secret" not in detail and "line_access_token" not in detail
    assert api.get("/channels/theirs").status_code == 404
    assert api.get("/channels/no-such-channel").json() == api.get("/channels/theirs").json()


def test_outside_the_jurisdiction_sees_nothing(w, client):
    api = Api(client, w.outside["station_chief"])
    assert "demo" not in {c["slug"] for c in api.get("/channels").json()["results"]}
    assert api.get("/channels/demo").status_code == 404
    assert api.patch("/channels/demo", {"name": "x"}).status_code == 404
    assert api.post("/channels/demo/refresh-quota").status_code == 404


def test_roles_without_the_capability_are_refused(w, client):
    assert Api(client, w.inside["social_liaison"]).get("/channels").status_code == 403
    api = Api(client, w.inside["beat_officer"])
    assert api.post("/channels", {"name": "n", "slug": "s", "line_channel_secret": "x"}).status_code == 403
    assert api.patch("/channels/demo", {"name": "x"}).status_code == 403
    assert api.post("/channels/demo/refresh-quota").status_code == 403


def test_station_chief_registers_and_changes_a_channel(w, client):
    api = Api(client, w.inside["station_chief"])
    before = mark()
    made = api.post(
        "/channels",
        {"name": "新 LINE", "slug": "new-line", "line_channel_secret": "s3cret", "monthly_quota": 200},
    )
    assert made.status_code == 201, made.content
    channel = Channel.objects.get(slug="new-line")
    assert channel.unit == w.station and channel.line_channel_secret == "s3cret"
    changed = api.patch("/channels/new-line", {"monthly_quota": 300, "line_channel_secret": ""})
    assert changed.status_code == 200 and changed.json()["monthly_quota"] == 300
    channel.refresh_from_db()
    assert channel.line_channel_secret == "s3cret" and channel.name == "新 LINE"  # kept
    events = events_since(before, "messaging.save_channel")
    assert [e.actor for e in events] == [w.inside["station_chief"]] * 2
    assert events[0].extra["secrets_changed"] == ["secret"] and events[1].extra["secrets_changed"] == []


def test_a_channel_belongs_to_a_station(w, client):
    # an administrator of a precinct (not a superuser) cannot hang a channel on the precinct
    answer = Api(client, w.outside["administrator"]).post(
        "/channels", {"name": "n", "slug": "precinct-line", "line_channel_secret": "x"}
    )
    assert "station" in fields(answer)["unit"]
    assert not Channel.objects.filter(slug="precinct-line").exists()


def test_bad_channel_input(w, client):
    api = Api(client, w.inside["station_chief"])
    assert (
        "already"
        in fields(api.post("/channels", {"name": "n", "slug": "demo", "line_channel_secret": "x"}))["slug"]
    )
    assert (
        "secret" in fields(api.post("/channels", {"name": "n", "slug": "no-secret"}))["line_channel_secret"]
    )
    assert (
        "https"
        in fields(
            api.post(
                "/channels", {"name": "n", "slug": "h", "line_channel_secret": "x", "api_host": "http://evil"}
            )
        )["api_host"]
    )
    assert "slug" in fields(
        api.post("/channels", {"name": "n", "slug": "has space", "line_channel_secret": "x"})
    )
    assert "transport" in fields(api.post("/channels", {"name": "n", "slug": "t", "transport": "fax"}))
    assert fields(api.post("/channels", {"name": "n" * 101, "slug": "long"}))["name"].startswith("Ensure")
    assert fields(api.post("/channels", {"name": "n", "slug": "q", "monthly_quota": "many"}))[
        "monthly_quota"
    ] == ("Enter a whole number.")
    assert fields(api.post("/channels", {"slug": "q"}))["name"] == "This field is required."
    assert not Channel.objects.filter(slug__in=["no-secret", "h", "t", "long", "q"]).exists()


def test_refresh_quota_and_names_are_queued_for_the_worker(w, client):
    from django_tasks_db.models import DBTaskResult

    api = Api(client, w.inside["station_chief"])
    assert api.post("/channels/demo/refresh-quota").status_code == 202
    assert api.post("/channels/demo/refresh-names").status_code == 202
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert {"jingmin.messaging.tasks.refresh_quota", "jingmin.messaging.tasks.refresh_friend_names"} <= queued
    # LINE names stay with the station: a precinct officer may not ask for them
    assert Api(client, w.inside["precinct_officer"]).post("/channels/demo/refresh-names").status_code == 403
