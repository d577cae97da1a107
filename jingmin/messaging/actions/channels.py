"""Channels: register a LINE or e-mail channel of a station, change its settings."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.messaging.models import Channel
from jingmin.org import roles
from jingmin.org.models import Unit


@transaction.atomic
def save_channel(
    *,
    acting_user,
    channel=None,
    unit=None,
    slug=None,
    name,
    transport=Channel.Transport.LINE,
    line_channel_id="",
    line_channel_secret="",
    line_access_token="",
    api_host="",
    monthly_quota=None,
    is_active=True,
):
    """Register or update a channel. Empty secret fields keep the stored value (they are write-only)."""
    unit = channel.unit if channel is not None else unit
    roles.require(acting_user, "messaging.manage_channels", unit=unit)
    if unit.kind != Unit.Kind.STATION and not (acting_user and acting_user.is_superuser):
        raise ValidationError({"unit": _("A channel belongs to a station.")})
    if channel is None:
        if Channel.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": _("This webhook name is already used.")})
        channel = Channel(unit=unit, slug=slug, transport=transport)
    channel.name = name
    channel.api_host = (api_host or "").strip().rstrip("/")
    channel.monthly_quota = monthly_quota
    channel.is_active = is_active
    for field, value in (
        ("line_channel_id", line_channel_id),
        ("line_channel_secret", line_channel_secret),
        ("line_access_token", line_access_token),
    ):
        if value:
            setattr(channel, field, value.strip())
    if channel.transport == Channel.Transport.LINE and not channel.line_channel_secret:
        raise ValidationError(
            {"line_channel_secret": _("The channel secret is needed to verify the webhook.")}
        )
    if channel.api_host and not channel.api_host.startswith(
        ("https://", "http://127.0.0.1", "http://localhost")
    ):
        raise ValidationError({"api_host": _("The API host must be an https:// address.")})
    channel.save()
    audit.record(
        "messaging.save_channel",
        actor=acting_user,
        obj=channel,
        unit=unit,
        extra={
            "slug": channel.slug,
            "transport": channel.transport,
            "api_host": channel.api_host,
            "secrets_changed": [
                f
                for f, v in (
                    ("channel_id", line_channel_id),
                    ("secret", line_channel_secret),
                    ("token", line_access_token),
                )
                if v
            ],
        },
    )
    return channel
