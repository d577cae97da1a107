"""The messaging part of the demo (run by the demo orchestrator :mod:`jingmin.demo`; idempotent).

The demo station gets a LINE channel with the slug ``demo`` and the secret ``demo-channel-secret``
(so its webhook at ``/hooks/line/demo`` can be exercised with signed requests) and no API host:
until one is configured, messages are written to the console. It also gets a few named and tagged
groups and friends, and an e-mail channel with one address.
"""

import hashlib

from django.contrib.auth import get_user_model

from jingmin.audit import log as audit
from jingmin.messaging.models import Channel, Contact, Tag

DEMO_SLUG = "demo"
DEMO_SECRET = "demo-channel-secret"


def _line_id(prefix, n):
    return prefix + hashlib.md5(f"jingmin-demo:{prefix}:{n}".encode()).hexdigest()


AFTER = ("org",)


def load(world):
    return load_messaging_demo(world.units)


def load_messaging_demo(units):
    station = units["station"]
    beats = [units["beat1"], units["beat2"]]
    channel, made = Channel.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "unit": station,
            "name": f"{station.name} LINE",
            "transport": Channel.Transport.LINE,
            "line_channel_id": "2000000000",
            "line_channel_secret": DEMO_SECRET,
            "line_access_token": "demo-channel-access-token",
            "api_host": "",
            "monthly_quota": 500,
        },
    )
    if made:
        audit.record(
            "messaging.save_channel", obj=channel, unit=station, extra={"slug": DEMO_SLUG, "demo": True}
        )
    email, _ = Channel.objects.get_or_create(
        slug="demo-email",
        defaults={"unit": station, "name": f"{station.name} e-mail", "transport": Channel.Transport.EMAIL},
    )
    tags = {t.code: t for t in Tag.objects.all()}
    villages = [b.villages.first() for b in beats]
    groups = [
        ("group", 1, "開元里 村里長群組", beats[0], villages[0], ["village-chiefs"], 14),
        ("group", 2, "開元里 守望相助隊", beats[0], villages[0], ["watch-team", "volunteer-police"], 23),
        (
            "group",
            3,
            "東興里 大樓管委會",
            beats[1],
            villages[1],
            ["building-committee", "security-guards"],
            9,
        ),
        ("group", 4, "東興里 居民群組", beats[1], villages[1], ["residents"], 41),
        ("user", 1, "里民 陳小姐", beats[0], villages[0], ["residents"], 1),
        ("user", 2, "里民 林先生", beats[1], villages[1], ["residents"], 1),
    ]
    for kind, n, name, unit, village, tag_codes, members in groups:
        address = _line_id("C" if kind == "group" else "U", n)
        contact, made = Contact.objects.get_or_create(
            channel=channel,
            address_hash=Contact.hash_address(address),
            defaults={
                "kind": kind,
                "address": address,
                "name": name,
                "unit": unit,
                "village": village,
                "member_count": members,
            },
        )
        if made:
            contact.tags.set([tags[c] for c in tag_codes if c in tags])
            if "village-chiefs" in tag_codes:  # the demo community partner reads this group's mentions
                contact.partners.set(get_user_model().objects.filter(username="demo-partner"))
    address = "village-chief@example.org"
    contact, made = Contact.objects.get_or_create(
        channel=email,
        address_hash=Contact.hash_address(address),
        defaults={
            "kind": Contact.Kind.EMAIL,
            "address": address,
            "name": "開元里 里長 (e-mail)",
            "unit": beats[0],
            "village": villages[0],
        },
    )
    if made:
        contact.tags.set([tags["village-chiefs"]])
    return channel
