"""Every write operation of the messaging API appends an audit event with the caller as actor.

The list of write operations is read from the router, so a new POST/PUT/PATCH/DELETE without an entry
in ``CALLS`` below fails here. Operations that queue work for the worker (``refresh-*``) are audited
when the task runs: the test runs the queued task and checks the event names the caller.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jingmin.messaging import actions
from jingmin.messaging.api import router
from jingmin.messaging.models import Channel, Contact, MessageTemplate, Tag, Tip

from .conftest import add_friend, make_channel
from .helpers import Api, events_since, mark


def write_operations():
    return {
        (method, path.removeprefix("/messaging"))
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
        if method != "GET"
    }


@pytest.fixture
def objects(w, line_server):
    live = make_channel(w.station, line_server, slug="live")
    line_server.add_profile(add_friend(live, 1).address, "陳小姐")
    chiefs = Tag.objects.filter(code="village-chiefs")

    def campaign(title):
        return actions.save_campaign(
            acting_user=w.inside["station_chief"], title=title, text="x", tags=chiefs
        )

    def template(title):
        return actions.save_template(
            acting_user=w.inside["station_chief"], category="general", title=title, body="b"
        )

    return {
        "group": Contact.objects.get(name="開元里 村里長群組"),
        "to_remove": Contact.objects.get(name="東興里 居民群組"),
        "template": template("to change"),
        "to_delete": template("to delete"),
        "draft": campaign("draft"),
        "to_send": campaign("send"),
        "to_schedule": campaign("schedule"),
        "to_cancel": campaign("cancel"),
        "tip": Tip.objects.create(unit=w.station, channel=live, kind="text", tracking_code="TAUDIT01"),
    }


def calls(o, w):
    chief, admin = w.inside["station_chief"], w.inside["administrator"]
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    return {
        ("POST", "/channels"): (
            chief,
            {"name": "n", "slug": "new-line", "line_channel_secret": "s"},
            "save_channel",
        ),
        ("PATCH", "/channels/{slug}"): (chief, ("/channels/live", {"name": "改名"}), "save_channel"),
        ("POST", "/channels/{slug}/refresh-quota"): (
            chief,
            ("/channels/live/refresh-quota", {}),
            "refresh_quota",
        ),
        ("POST", "/channels/{slug}/refresh-names"): (
            chief,
            ("/channels/live/refresh-names", {}),
            "refresh_friend_names",
        ),
        ("POST", "/contacts"): (
            chief,
            {"channel": "demo-email", "name": "n", "address": "new@example.org"},
            "add_contact",
        ),
        ("PATCH", "/contacts/{pk}"): (
            chief,
            (f"/contacts/{o['group'].pk}", {"name": "改名"}),
            "update_contact",
        ),
        ("DELETE", "/contacts/{pk}"): (chief, (f"/contacts/{o['to_remove'].pk}", None), "remove_contact"),
        ("POST", "/templates"): (chief, {"category": "fraud", "title": "t", "body": "b"}, "save_template"),
        ("PATCH", "/templates/{pk}"): (
            chief,
            (f"/templates/{o['template'].pk}", {"title": "新"}),
            "save_template",
        ),
        ("DELETE", "/templates/{pk}"): (chief, (f"/templates/{o['to_delete'].pk}", None), "delete_template"),
        ("POST", "/campaigns"): (chief, {"title": "t", "text": "x"}, "save_campaign"),
        ("PATCH", "/campaigns/{pk}"): (
            chief,
            (f"/campaigns/{o['draft'].pk}", {"title": "新"}),
            "save_campaign",
        ),
        ("POST", "/campaigns/{pk}/send"): (
            chief,
            (f"/campaigns/{o['to_send'].pk}/send", {}),
            "queue_campaign",
        ),
        ("POST", "/campaigns/{pk}/schedule"): (
            chief,
            (f"/campaigns/{o['to_schedule'].pk}/schedule", {"scheduled_for": tomorrow}),
            "queue_campaign",
        ),
        ("POST", "/campaigns/{pk}/approve"): (None, None, "approve_campaign"),  # test_api_approvals.py
        ("POST", "/campaigns/{pk}/reject"): (None, None, "reject_campaign"),  # test_api_approvals.py
        ("POST", "/campaigns/{pk}/cancel"): (
            chief,
            (f"/campaigns/{o['to_cancel'].pk}/cancel", {}),
            "cancel_campaign",
        ),
        ("PATCH", "/tips/{code}"): (chief, ("/tips/TAUDIT01", {"status": "closed"}), "tip_status"),
        ("PUT", "/retention"): (
            admin,
            ("/retention", {"closed_tip_days": 400, "webhook_event_days": 60}),
            "save_retention",
        ),
        ("POST", "/retention/purge"): (admin, ("/retention/purge", {}), "purge"),
    }


def test_every_write_operation_is_listed(w, objects):
    assert write_operations() == set(calls(objects, w))


def test_every_write_operation_is_audited_with_the_caller(w, client, objects):
    actions.queue_campaign(acting_user=w.inside["station_chief"], campaign=objects["to_cancel"])
    for (method, route), (user, call, action) in sorted(calls(objects, w).items()):
        if user is None:
            continue
        api = Api(client, user)
        path, body = (route, call) if isinstance(call, dict) else call
        before = mark()
        if method == "DELETE":
            answer = api.delete(path)
        else:
            answer = {"POST": api.post, "PATCH": api.patch, "PUT": api.put}[method](path, body)
        assert answer.status_code < 300, (method, route, answer.status_code, answer.content)
        for row in DBTaskResult.objects.filter(enqueued_at__isnull=False).order_by("id"):
            if row.task_path.startswith("jingmin.messaging.tasks.refresh_"):
                row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
                row.delete()
        events = events_since(before, f"messaging.{action}")
        assert events, f"{method} {route}: no messaging.{action} event"
        assert all(e.actor == user for e in events), (method, route)
    assert Channel.objects.get(slug="live").name == "改名"
    assert MessageTemplate.objects.get(pk=objects["template"].pk).title == "新"
    assert not MessageTemplate.objects.filter(pk=objects["to_delete"].pk).exists()
