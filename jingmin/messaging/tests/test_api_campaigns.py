"""API campaigns: a draft written, previewed with its quota cost, sent now or at a time, cancelled,
followed delivery by delivery — the page's rules and scope, each write audited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jingmin.messaging import actions
from jingmin.messaging.models import Campaign, Channel, Delivery, MessageTemplate

from .conftest import add_group, make_channel
from .helpers import Api, events_since, fields, mark

CHIEFS = {"title": "識詐宣導", "text": "假投資詐騙多，請小心。", "tags": ["village-chiefs"]}


@pytest.fixture
def chief(w, client):
    return Api(client, w.inside["station_chief"])


def test_a_draft_is_written_and_changed(w, chief):
    before = mark()
    made = chief.post("/campaigns", CHIEFS)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "draft" and body["tags"] == ["village-chiefs"] and body["unit"] == w.station.code
    changed = chief.patch(f"/campaigns/{body['id']}", {"title": "識詐（更正）", "kinds": ["group"]})
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "識詐（更正）" and changed.json()["text"] == CHIEFS["text"]
    assert changed.json()["kinds"] == ["group"] and changed.json()["tags"] == ["village-chiefs"]
    events = events_since(before, "messaging.save_campaign")
    assert len(events) == 2 and all(e.actor == w.inside["station_chief"] for e in events)
    assert events[0].extra["source"] == "api"


def test_a_template_fills_the_text_and_its_placeholders(w, chief):
    template = MessageTemplate.objects.get(code="meeting-notice")
    body = chief.post(
        "/campaigns",
        {
            "title": "治安會議",
            "template": template.pk,
            "values": {"topic": "防竊", "date": "5/1", "time": "19:00", "place": "活動中心"},
        },
    ).json()
    assert "防竊" in body["text"] and "{topic}" not in body["text"] and body["template"] == template.pk


def test_preview_gives_the_plan_and_the_quota_cost(w, chief):
    pk = chief.post("/campaigns", CHIEFS).json()["id"]
    plan = chief.get(f"/campaigns/{pk}/preview").json()
    assert plan["ready"] and plan["problems"] == [] and plan["recipients"] == 2  # the group and the e-mail
    assert plan["cost"] == 14 and not plan["needs_approval"] and plan["stations"] == [w.station.code]
    [line] = [q for q in plan["quota"] if q["channel"] == "demo"]
    assert line["limit"] == 500 and line["cost"] == 14 and line["fits"]
    Channel.objects.filter(slug="demo").update(monthly_quota=10)
    over = chief.get(f"/campaigns/{pk}/preview").json()
    assert not over["ready"] and any("quota" in p.lower() or "額度" in p for p in over["problems"])
    assert chief.post(f"/campaigns/{pk}/send").status_code == 422  # refused as the preview said
    assert (
        Campaign.objects.get(pk=pk).status == "draft" and not Delivery.objects.filter(campaign_id=pk).exists()
    )


def test_send_now_queues_one_delivery_per_recipient(w, chief):
    pk = chief.post("/campaigns", CHIEFS).json()["id"]
    before = mark()
    sent = chief.post(f"/campaigns/{pk}/send")
    assert sent.status_code == 200 and sent.json()["status"] == "sending"
    assert sent.json()["recipients"] == 2 and sent.json()["cost"] == 14
    [event] = events_since(before, "messaging.queue_campaign")
    assert event.actor == w.inside["station_chief"] and event.object_id == str(pk)
    rows = chief.get(f"/campaigns/{pk}/deliveries").json()
    assert rows["count"] == 2 and {r["status"] for r in rows["results"]} == {"queued"}
    assert {r["kind"] for r in rows["results"]} == {"group", "email"}
    assert all("address" not in r for r in rows["results"])
    assert chief.get(f"/campaigns/{pk}/deliveries", status="sent").json()["count"] == 0
    assert "status" in fields(chief.get(f"/campaigns/{pk}/deliveries", status="lost"))
    assert "queued" in " ".join(fields(chief.post(f"/campaigns/{pk}/send")).values())
    assert "draft" in " ".join(fields(chief.patch(f"/campaigns/{pk}", {"title": "late"})).values())


def test_schedule_sets_the_time_and_queues(w, chief):
    pk = chief.post("/campaigns", CHIEFS).json()["id"]
    at = timezone.now() + timedelta(days=1)
    scheduled = chief.post(f"/campaigns/{pk}/schedule", {"scheduled_for": at.isoformat()})
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["status"] == "scheduled"
    assert Campaign.objects.get(pk=pk).dispatches.first().next_attempt_at == at
    other = chief.post("/campaigns", CHIEFS).json()["id"]
    past = (timezone.now() - timedelta(hours=2)).isoformat()
    assert "scheduled_for" in fields(chief.post(f"/campaigns/{other}/schedule", {"scheduled_for": past}))
    assert fields(chief.post(f"/campaigns/{other}/schedule", {"scheduled_for": "tomorrow"}))[
        "scheduled_for"
    ] == ("Enter a valid date/time.")
    assert Campaign.objects.get(pk=other).status == "draft"


def test_cancel_stops_what_has_not_gone_out(w, chief):
    pk = chief.post("/campaigns", CHIEFS).json()["id"]
    chief.post(f"/campaigns/{pk}/send")
    before = mark()
    cancelled = chief.post(f"/campaigns/{pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert set(Delivery.objects.filter(campaign_id=pk).values_list("status", flat=True)) == {"cancelled"}
    [event] = events_since(before, "messaging.cancel_campaign")
    assert event.actor == w.inside["station_chief"]
    assert "finished" in " ".join(fields(chief.post(f"/campaigns/{pk}/cancel")).values())


def test_list_is_scoped_and_filtered(w, client, chief):
    mine = chief.post("/campaigns", CHIEFS).json()["id"]
    theirs = actions.save_campaign(acting_user=w.outside["station_chief"], title="theirs", text="x").pk
    ids = [c["id"] for c in chief.get("/campaigns").json()["results"]]
    assert mine in ids and theirs not in ids
    assert mine in [c["id"] for c in chief.get("/campaigns", status="draft").json()["results"]]
    assert chief.get("/campaigns", status="done").json()["count"] == 0
    assert "status" in fields(chief.get("/campaigns", status="lost"))
    assert "limit" in fields(chief.get("/campaigns", limit=0))
    assert "limit" in fields(chief.get("/campaigns", limit=501))


def test_out_of_scope_campaigns_answer_like_missing(w, client):
    theirs = actions.save_campaign(acting_user=w.outside["station_chief"], title="theirs", text="x").pk
    api = Api(client, w.inside["station_chief"])
    missing = api.get("/campaigns/999999").json()
    for path in ("", "/preview", "/deliveries"):
        assert api.get(f"/campaigns/{theirs}{path}").status_code == 404
        assert api.get(f"/campaigns/{theirs}{path}").json() == missing
    for path in ("/send", "/approve", "/reject", "/cancel"):
        assert api.post(f"/campaigns/{theirs}{path}").status_code == 404
    assert api.patch(f"/campaigns/{theirs}", {"title": "x"}).status_code == 404
    assert (
        Campaign.objects.get(pk=theirs).status == "draft"
        and Campaign.objects.get(pk=theirs).title == "theirs"
    )


def test_roles_without_the_capability(w, client):
    pk = actions.save_campaign(acting_user=w.inside["station_chief"], title="t", text="x").pk
    investigator = Api(client, w.inside["investigator"])  # may read campaigns, not send them
    assert investigator.get(f"/campaigns/{pk}").status_code == 200
    assert investigator.post("/campaigns", CHIEFS).status_code == 403
    assert investigator.post(f"/campaigns/{pk}/send").status_code == 403
    assert investigator.post(f"/campaigns/{pk}/cancel").status_code == 403
    assert investigator.get(f"/campaigns/{pk}/preview").status_code == 403
    assert Api(client, w.inside["social_liaison"]).get("/campaigns").status_code == 403
    assert Api(client, w.inside["community_partner"]).get(f"/campaigns/{pk}").status_code == 403
    assert Campaign.objects.get(pk=pk).status == "draft"


def test_bad_campaign_input(w, client, chief):
    theirs = add_group(make_channel(w.other_station, slug="theirs"), 1)
    their_template = actions.save_template(
        acting_user=w.outside["station_chief"], category="general", title="t", body="b"
    )
    base = {"title": "t", "text": "x"}
    refused = {
        "units": {"units": [w.other_station.code]},
        "contacts": {"contacts": [theirs.pk]},
        "villages": {"villages": ["no-such-village"]},
        "kinds": {"kinds": ["fax"]},
        "template": {"template": their_template.pk},
        "tags": {"tags": ["nobody"]},
    }
    for field, extra in refused.items():
        assert field in fields(chief.post("/campaigns", {**base, **extra})), field
    # a code outside the jurisdiction reads exactly as one that does not exist
    outside = fields(chief.post("/campaigns", {**base, "units": [w.other_station.code]}))["units"]
    missing = fields(chief.post("/campaigns", {**base, "units": ["TNPD-NOPE"]}))["units"]
    assert outside.replace(w.other_station.code, "X") == missing.replace("TNPD-NOPE", "X")
    assert "5000" in fields(chief.post("/campaigns", {**base, "text": "字" * 6000}))["text"]
    assert "title" in fields(chief.post("/campaigns", {**base, "title": "t" * 121}))
    assert "link" in fields(chief.post("/campaigns", {**base, "link": "javascript:alert(1)"}))
    assert (
        fields(chief.post("/campaigns", {**base, "contacts": ["a"]}))["contacts.0"] == "Enter a whole number."
    )
    assert fields(chief.post("/campaigns", {**base, "units": "TNPD-P05"}))["units"] == "Enter a list."
    assert "contacts" in fields(chief.post("/campaigns", {**base, "contacts": list(range(5001))}))
    assert fields(chief.post("/campaigns", {"text": "x"}))["title"] == "This field is required."
    assert not Campaign.objects.filter(unit=w.station).exists()


def test_errors_are_in_the_users_language(w, client):
    zh = Api(client, w.inside["station_chief"], language="zh-hant")
    assert fields(zh.post("/campaigns", {"text": "x"}))["title"] == "此欄位為必填。"
    assert "查無" in fields(zh.post("/campaigns", {"title": "t", "text": "x", "tags": ["nobody"]}))["tags"]
