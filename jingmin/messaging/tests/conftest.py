"""Fixtures for the messaging tests: a fake LINE server and a station channel pointing at it."""

import io
import json

import pytest

from jingmin.messaging import delivery
from jingmin.messaging.models import Channel, Contact, Tag
from jingmin.messaging.tests.line_server import FakeLineServer, fake_group_id, fake_user_id
from jingmin.messaging.transports.line import compute_signature

TOKEN = "test-channel-token"
SECRET = "test-channel-secret"


@pytest.fixture(autouse=True)
def _fresh_transports(settings):
    settings.MESSAGING = {**settings.MESSAGING, "BACKOFF_BASE": 0.05, "LINE_TIMEOUT": 0.5, "SEND_THREADS": 4}
    delivery.reset_transports()
    yield
    delivery.reset_transports()


@pytest.fixture
def line_server():
    with FakeLineServer(TOKEN, slow_delay=0.8, retry_after=3) as server:
        yield server


def make_channel(unit, server=None, slug="test-line", quota=None):
    return Channel.objects.create(
        unit=unit,
        slug=slug,
        name=f"{unit.name} LINE",
        transport=Channel.Transport.LINE,
        line_channel_secret=SECRET,
        line_access_token=TOKEN,
        api_host=server.url if server else "",
        monthly_quota=quota,
    )


def add_group(channel, n, *, unit=None, server=None, members=1, tags=(), village=None, name=None):
    gid = fake_group_id(f"{channel.slug}-{n}")
    if server is not None:
        server.add_group(gid, name or f"group {n}", member_count=members)
    contact = Contact.objects.create(
        channel=channel,
        unit=unit or channel.unit,
        kind=Contact.Kind.GROUP,
        address=gid,
        address_hash=Contact.hash_address(gid),
        name=name or f"group {n}",
        member_count=members,
        village=village,
    )
    contact.tags.set([Tag.objects.get(code=t) for t in tags])
    return contact


def add_friend(channel, n, *, unit=None, tags=()):
    uid = fake_user_id(f"{channel.slug}-{n}")
    contact = Contact.objects.create(
        channel=channel,
        unit=unit or channel.unit,
        kind=Contact.Kind.USER,
        address=uid,
        address_hash=Contact.hash_address(uid),
        name=f"friend {n}",
    )
    contact.tags.set([Tag.objects.get(code=t) for t in tags])
    return contact


@pytest.fixture
def channel(w, line_server):
    """A LINE channel of the demo station on the fake server (the demo's own channels are switched off)."""
    Channel.objects.filter(slug__startswith="demo").update(is_active=False)
    return make_channel(w.station, line_server)


def signed_post(client, slug, body, secret=SECRET, signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {}
    sig = compute_signature(secret, raw) if signature is None else signature
    if sig:
        headers["HTTP_X_LINE_SIGNATURE"] = sig
    return client.post(f"/hooks/line/{slug}", data=raw, content_type="application/json", **headers)


def png_bytes(size=(20, 20)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()
