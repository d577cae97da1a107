"""API templates: the shared library plus the unit's own templates, written, changed and deleted by
the roles that send; the shared ones are not changed here; each write audited."""

import pytest

from jingmin.messaging import actions
from jingmin.messaging.models import Campaign, MessageTemplate

from .helpers import Api, events_since, fields, mark

NEW = {"category": "fraud", "title": "假投資", "body": "【{station}】提醒：投資保證獲利都是詐騙。"}


@pytest.fixture
def theirs(w):
    return actions.save_template(acting_user=w.outside["station_chief"], **NEW)


def test_list_holds_the_shared_library_and_the_units_own(w, client, theirs):
    mine = actions.save_template(acting_user=w.inside["station_chief"], **{**NEW, "title": "mine"})
    api = Api(client, w.inside["beat_officer"])
    body = api.get("/templates", limit=500).json()
    ids = {t["id"] for t in body["results"]}
    shared = MessageTemplate.objects.filter(unit__isnull=True)
    assert set(shared.values_list("pk", flat=True)) <= ids and theirs.pk not in ids
    assert mine.pk not in ids  # the station's template is above the beat
    assert Api(client, w.inside["station_chief"]).get(f"/templates/{mine.pk}").json()["title"] == "mine"
    fraud = api.get("/templates", category="fraud").json()["results"]
    assert fraud and {t["category"] for t in fraud} == {"fraud"}
    assert "category" in fields(api.get("/templates", category="poetry"))


def test_write_change_and_delete_a_template(w, client):
    api = Api(client, w.inside["station_chief"])
    before = mark()
    made = api.post("/templates", NEW)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["unit"] == w.station.code and not made.json()["shared"]
    changed = api.patch(f"/templates/{pk}", {"title": "假投資（新版）"})
    assert changed.json()["title"] == "假投資（新版）" and changed.json()["body"] == NEW["body"]
    campaign = actions.save_campaign(
        acting_user=w.inside["station_chief"], title="t", template=MessageTemplate.objects.get(pk=pk)
    )
    assert api.delete(f"/templates/{pk}").status_code == 204
    assert not MessageTemplate.objects.filter(pk=pk).exists()
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.template is None and "投資保證獲利" in campaign.text  # the campaign keeps its text
    actions_seen = [e.action for e in events_since(before) if e.action.endswith("_template")]
    assert actions_seen == ["messaging.save_template", "messaging.save_template", "messaging.delete_template"]
    assert all(
        e.actor == w.inside["station_chief"] for e in events_since(before, "messaging.delete_template")
    )


def test_shared_templates_are_not_changed_here(w, client):
    shared = MessageTemplate.objects.filter(unit__isnull=True).first()
    api = Api(client, w.inside["station_chief"])
    assert api.patch(f"/templates/{shared.pk}", {"title": "x"}).status_code == 403
    assert api.delete(f"/templates/{shared.pk}").status_code == 403
    assert MessageTemplate.objects.get(pk=shared.pk).title == shared.title


def test_scope_and_capability(w, client, theirs):
    api = Api(client, w.inside["station_chief"])
    assert api.get(f"/templates/{theirs.pk}").status_code == 404
    assert api.patch(f"/templates/{theirs.pk}", {"title": "x"}).status_code == 404
    assert api.delete(f"/templates/{theirs.pk}").status_code == 404
    assert api.get("/templates/999999").json() == api.get(f"/templates/{theirs.pk}").json()
    investigator = Api(client, w.inside["investigator"])
    assert investigator.get("/templates").status_code == 403
    assert investigator.post("/templates", NEW).status_code == 403
    # a user without a unit would write a shared template: refused
    assert Api(client, w.nounit).post("/templates", NEW).status_code == 403
    assert MessageTemplate.objects.filter(title=NEW["title"]).count() == 1  # only the outsider's


def test_bad_template_input(w, client):
    api = Api(client, w.inside["station_chief"])
    assert "category" in fields(api.post("/templates", {**NEW, "category": "poetry"}))
    assert "link" in fields(api.post("/templates", {**NEW, "link": "not a url"}))
    assert "title" in fields(api.post("/templates", {**NEW, "title": "x" * 121}))
    assert "body" in fields(api.post("/templates", {**NEW, "body": ""}))
    assert fields(api.post("/templates", {"category": "fraud"}))["title"] == "This field is required."
    assert api.post("/templates", "{not json").status_code in (400, 422)
    assert MessageTemplate.objects.filter(unit=w.station).count() == 0
