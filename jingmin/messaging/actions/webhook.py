"""LINE webhook events: follows and unfollows, groups joined and left, messages that become tips."""

import hashlib
import json
import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from jingmin.audit import log as audit
from jingmin.messaging import campaigns, delivery
from jingmin.messaging.actions.contacts import remove_contact_at_request
from jingmin.messaging.actions.tips import new_tracking_code
from jingmin.messaging.models import Contact, Tip, WebhookEvent
from jingmin.messaging.transports.line import event_problem

logger = logging.getLogger("jingmin.messaging")


UNSUBSCRIBE_WORDS = {"取消訂閱", "退訂", "刪除我的資料", "unsubscribe", "stop", "remove me"}


def _redact(event):
    """What is kept of an event: its shape, never text or user IDs."""
    source = event.get("source") or {}
    message = event.get("message") or {}
    kept = {
        "type": event.get("type"),
        "mode": event.get("mode"),
        "timestamp": event.get("timestamp"),
        "source": {
            "type": source.get("type"),
            **({"groupId": source["groupId"]} if "groupId" in source else {}),
            **({"roomId": source["roomId"]} if "roomId" in source else {}),
        },
    }
    if message:
        kept["message"] = {"type": message.get("type"), "id": message.get("id")}
    return kept


def receive_line_events(*, channel, events, destination=""):
    """Record each webhook event once (by ``webhookEventId``) and act on the new ones.

    Returns counters. A malformed event is logged and skipped; it never fails the others.
    """
    counts = {"received": len(events), "new": 0, "duplicate": 0, "skipped": 0, "rejected": 0}
    for event in events:
        problem = event_problem(event)
        if problem is not None:
            _reject(channel, event, problem)
            counts["rejected"] += 1
            continue
        event_id = str(event.get("webhookEventId") or "")[:80]
        if not event_id:
            event_id = "sha256:" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:64]
        try:
            with transaction.atomic():
                row, created = WebhookEvent.objects.get_or_create(
                    channel=channel,
                    event_id=event_id,
                    defaults={
                        "type": str(event.get("type"))[:40],
                        "source_type": str((event.get("source") or {}).get("type") or "")[:10],
                        "redelivery": bool((event.get("deliveryContext") or {}).get("isRedelivery")),
                        "payload": _redact(event),
                    },
                )
                if not created:
                    counts["duplicate"] += 1
                    continue
                _handle_event(channel, event, row, destination)
                counts["new"] += 1
        except IntegrityError:  # the same event arriving twice at the same moment
            counts["duplicate"] += 1
        except (KeyError, TypeError, ValueError, AttributeError, ValidationError, DatabaseError) as exc:
            logger.warning("LINE webhook %s: event %s skipped: %s", channel.slug, event_id, exc)
            counts["skipped"] += 1
    return counts


def _reject(channel, event, problem):
    """Keep a record of an event that could not be taken (its kind and why, nothing of its content)."""
    raw = json.dumps(event, sort_keys=True, default=str, ensure_ascii=True)
    event_id = "rejected:" + hashlib.sha256(raw.encode()).hexdigest()[:60]
    kind = event.get("type") if isinstance(event, dict) and isinstance(event.get("type"), str) else "-"
    logger.warning("LINE webhook %s: event rejected: %s", channel.slug, problem)
    try:
        with transaction.atomic():
            WebhookEvent.objects.get_or_create(
                channel=channel,
                event_id=event_id,
                defaults={
                    "type": "rejected",
                    "payload": {"problem": problem, "type": kind.replace("\x00", "")[:40]},
                },
            )
    except DatabaseError as exc:  # the record of a rejection must not fail the other events either
        logger.warning("LINE webhook %s: rejection not recorded: %s", channel.slug, exc)


def _source_contact(channel, kind, line_id, create=True):
    address_hash = Contact.hash_address(line_id)
    contact = Contact.objects.filter(channel=channel, address_hash=address_hash).first()
    if contact is None and create:
        contact = Contact.objects.create(
            channel=channel, unit=channel.unit, kind=kind, address=line_id, address_hash=address_hash
        )
    return contact


def _set_status(contact, status, action):
    if contact is not None and contact.status != status:
        if status != Contact.Status.ACTIVE:
            delivery.cancel_open(contact, contact.Status(status).label)
        contact.status = status
        contact.save(update_fields=["status", "updated_at"])
        audit.record(action, obj=contact, unit=contact.unit)


def _handle_event(channel, event, row, destination):
    kind = event["type"]
    source = event.get("source") or {}
    source_type = source.get("type")
    if kind in ("follow", "unfollow") and source_type == "user":
        user_id = source["userId"]
        if kind == "follow":
            contact = _source_contact(channel, Contact.Kind.USER, user_id)
            if contact.status != Contact.Status.ACTIVE or not contact.address:
                contact.address = user_id
                contact.save(update_fields=["address"])
            _set_status(contact, Contact.Status.ACTIVE, "messaging.friend_followed")
            if not channel.uses_console:  # the console knows no names
                from jingmin.messaging.tasks import fetch_friend_profile

                transaction.on_commit(lambda: fetch_friend_profile.enqueue(contact.pk))
        else:
            _set_status(
                _source_contact(channel, Contact.Kind.USER, user_id, create=False),
                Contact.Status.UNFOLLOWED,
                "messaging.friend_unfollowed",
            )
    elif kind in ("join", "leave") and source_type in ("group", "room"):
        line_id = source.get("groupId") or source["roomId"]
        ckind = Contact.Kind.GROUP if source_type == "group" else Contact.Kind.ROOM
        if kind == "join":
            contact = _source_contact(channel, ckind, line_id)
            if not contact.address:
                contact.address = line_id
                contact.save(update_fields=["address"])
            _set_status(contact, Contact.Status.ACTIVE, "messaging.group_joined")
            if ckind == Contact.Kind.GROUP:
                from jingmin.messaging.tasks import fetch_group_details

                transaction.on_commit(lambda: fetch_group_details.enqueue(contact.pk))
        else:
            _set_status(
                _source_contact(channel, ckind, line_id, create=False),
                Contact.Status.LEFT,
                "messaging.group_left",
            )
    elif kind in ("memberJoined", "memberLeft") and source_type == "group":
        contact = _source_contact(channel, Contact.Kind.GROUP, source["groupId"], create=False)
        members = (event.get("joined" if kind == "memberJoined" else "left") or {}).get("members") or []
        if contact is not None:
            delta = len(members) if kind == "memberJoined" else -len(members)
            contact.member_count = max(1, contact.member_count + delta)
            contact.save(update_fields=["member_count"])
    elif kind == "message":
        _handle_message(channel, event, row, destination)


def _mentions_bot(message, destination):
    mentionees = ((message.get("mention") or {}).get("mentionees")) or []
    return any(m.get("isSelf") or (destination and m.get("userId") == destination) for m in mentionees)


def _handle_message(channel, event, row, destination):
    source = event.get("source") or {}
    message = event["message"]
    mtype = message["type"]
    if source.get("type") == "user":
        sender = _source_contact(channel, Contact.Kind.USER, source["userId"])
        if sender.status == Contact.Status.REMOVED:
            sender.address = source["userId"]
            sender.status = Contact.Status.ACTIVE
            sender.save(update_fields=["address", "status"])
        if mtype == "text" and message.get("text", "").strip().lower() in UNSUBSCRIBE_WORDS:
            remove_contact_at_request(contact=sender, via="line")
            return
        group = None
        tip_source = Tip.Source.USER
    elif source.get("type") in ("group", "room"):
        if not _mentions_bot(message, destination):
            return  # group chatter is not stored
        group = _source_contact(
            channel,
            Contact.Kind.GROUP if source["type"] == "group" else Contact.Kind.ROOM,
            source.get("groupId") or source["roomId"],
        )
        sender = None
        tip_source = Tip.Source.GROUP
    else:
        return
    tip = Tip(
        unit=campaigns.station_of(channel.unit),
        channel=channel,
        source=tip_source,
        sender=sender,
        group=group,
        event=row,
        line_message_id=str(message.get("id", ""))[:40],
    )
    if mtype == "text":
        tip.kind, tip.text = Tip.Kind.TEXT, message.get("text", "")[:5000]
    elif mtype == "image":
        tip.kind = Tip.Kind.IMAGE
    elif mtype == "location":
        tip.kind = Tip.Kind.LOCATION
        tip.latitude, tip.longitude = float(message["latitude"]), float(message["longitude"])
        tip.address = (message.get("address") or message.get("title") or "")[:300]
    else:
        tip.kind, tip.text = Tip.Kind.OTHER, f"[{mtype}]"
    for _attempt in range(5):
        tip.tracking_code = new_tracking_code()
        if not Tip.objects.filter(tracking_code=tip.tracking_code).exists():
            break
    tip.save()
    audit.record(
        "messaging.receive_tip", obj=tip, unit=tip.unit, extra={"kind": tip.kind, "source": tip.source}
    )
    from jingmin.messaging import tasks

    if tip.kind == Tip.Kind.IMAGE:
        transaction.on_commit(lambda: tasks.fetch_tip_image.enqueue(tip.pk))
    reply_token = event.get("replyToken")
    if reply_token and tip_source == Tip.Source.USER:
        transaction.on_commit(lambda: tasks.reply_to_tip.enqueue(tip.pk, reply_token))
