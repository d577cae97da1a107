"""Helpers of the messaging API tests: JSON calls as a given user, the audit events written since."""

import json

from jingmin.audit.models import AuditEvent

API = "/api/v1/messaging"


class Api:
    """``client`` signed in as ``user``; ``api.post("/campaigns", {...})`` → response."""

    def __init__(self, client, user, language="en"):
        self.client = client
        self.language = language
        client.force_login(user)

    def _headers(self):
        return {"HTTP_ACCEPT_LANGUAGE": self.language}

    def get(self, path, **params):
        return self.client.get(API + path, params, **self._headers())

    def _send(self, method, path, body):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(
            API + path, data, content_type="application/json", **self._headers()
        )

    def post(self, path, body=None):
        return self._send("post", path, {} if body is None else body)

    def patch(self, path, body):
        return self._send("patch", path, body)

    def put(self, path, body):
        return self._send("put", path, body)

    def delete(self, path):
        return self.client.delete(API + path, **self._headers())


def fields(response):
    """``{field: message}`` of a 422 answer."""
    assert response.status_code == 422, (response.status_code, response.content)
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def last_event():
    return AuditEvent.objects.order_by("-id").first()


def events_since(event_id, action=None):
    events = AuditEvent.objects.filter(id__gt=event_id or 0).order_by("id")
    return list(events.filter(action=action) if action else events)


def mark():
    event = last_event()
    return event.id if event else 0
