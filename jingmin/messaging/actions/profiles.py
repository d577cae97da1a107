"""What is read back from LINE: friends' display names and each channel's monthly quota and usage."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.messaging import delivery
from jingmin.messaging.models import Channel, Contact
from jingmin.messaging.transports import TransportError
from jingmin.org import roles

logger = logging.getLogger("jingmin.messaging")


def refresh_friend_names(*, acting_user=None, channel, contacts=None, via="station"):
    """Read friends' LINE display names (``GET /v2/bot/profile/{userId}``) and store them.

    ``contacts``: the friends to read (default: every active friend of the channel). A 404 (not or no
    longer a friend, unknown user) keeps the contact without a name; other failures leave the stored
    name as it was. The requests go out before the transaction; one audit event records the run.
    Returns ``{"updated", "not_found", "failed", "errors"}``.
    """
    if acting_user is not None:
        roles.require(acting_user, "messaging.manage_contacts", unit=channel.unit)
    if channel.transport != Channel.Transport.LINE:
        raise ValidationError(_("Only LINE friends have a LINE display name."))
    if contacts is None:
        contacts = Contact.objects.filter(
            channel=channel, kind=Contact.Kind.USER, status=Contact.Status.ACTIVE
        )
    contacts = [
        c for c in contacts if c.channel_id == channel.pk and c.kind == Contact.Kind.USER and c.address
    ]
    transport = delivery.transport_for(channel)
    names, not_found, failed, errors = {}, [], [], []
    for contact in contacts:
        try:
            profile = transport.profile(contact.address)
        except TransportError as exc:
            if exc.status == 404:
                names[contact.pk] = ""
                not_found.append(contact.pk)
                continue
            failed.append(contact.pk)
            errors.append(exc.message[:200])
            if exc.status in (401, 403):  # a bad token fails every request alike
                failed.extend(c.pk for c in contacts if c.pk not in names and c.pk not in failed)
                break
            continue
        names[contact.pk] = str(profile.get("displayName") or "")[:200]
    now = timezone.now()
    with transaction.atomic():
        for pk, name in names.items():
            Contact.objects.filter(pk=pk, channel=channel).update(display_name=name, profile_checked_at=now)
        audit.record(
            "messaging.refresh_friend_names",
            actor=acting_user,
            obj=contacts[0] if len(contacts) == 1 else ("messaging.contact", "batch"),
            unit=channel.unit,
            extra={
                "via": via,
                "channel": channel.slug,
                "named": sorted(pk for pk, name in names.items() if name),
                "not_found": sorted(not_found),
                "failed": sorted(set(failed)),
            },
        )
    return {
        "updated": sum(1 for name in names.values() if name),
        "not_found": len(not_found),
        "failed": len(set(failed)),
        "errors": errors[:5],
    }


# ---------------------------------------------------------------------------- quota refresh


def refresh_quotas(*, acting_user=None, channels=None):
    """Read the monthly quota and this month's usage from LINE for each channel with an API host.

    Default: every active LINE channel with an API host (the daily scheduled job). Never raises for
    a channel that fails: its error is stored on the channel (``remote_error``) and the others go on.
    One audit event per run. Returns ``{slug: "ok" | error message}``.
    """
    if channels is None:
        channels = Channel.objects.filter(transport=Channel.Transport.LINE, is_active=True).exclude(
            api_host=""
        )
    else:
        channels = [c for c in channels if c.transport == Channel.Transport.LINE and c.api_host]
        if acting_user is not None:
            for channel in channels:
                roles.require(acting_user, "messaging.manage_channels", unit=channel.unit)
    outcomes = []
    for channel in channels:
        if not channel.line_access_token:
            outcomes.append((channel, None, None, "no channel access token"))
            continue
        try:
            transport = delivery.transport_for(channel)
            limit = transport.quota()
            used = transport.consumption()
        except TransportError as exc:
            outcomes.append((channel, None, None, exc.message[:500]))
        except Exception as exc:  # one broken channel must not stop the others
            logger.exception("quota of channel %s", channel.slug)
            outcomes.append((channel, None, None, f"{type(exc).__name__}: {exc}"[:500]))
        else:
            outcomes.append((channel, limit, used, ""))
    now = timezone.now()
    results = {}
    with transaction.atomic():
        for channel, limit, used, error in outcomes:
            if error:
                Channel.objects.filter(pk=channel.pk).update(remote_error=error, remote_error_at=now)
                logger.warning("quota of channel %s: %s", channel.slug, error)
            else:
                Channel.objects.filter(pk=channel.pk).update(
                    monthly_quota=limit["value"] if limit["type"] == "limited" else None,
                    remote_usage=used,
                    remote_checked_at=now,
                    remote_error="",
                    remote_error_at=None,
                )
            results[channel.slug] = error or "ok"
        audit.record(
            "messaging.refresh_quota",
            actor=acting_user,
            obj=outcomes[0][0] if len(outcomes) == 1 else ("messaging.channel", "batch"),
            unit=outcomes[0][0].unit if len(outcomes) == 1 else None,
            extra={"channels": results},
        )
    return results
