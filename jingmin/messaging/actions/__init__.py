"""Every write of the messaging app, one module per concern, and the public service API :func:`send`.

Other features (missing-person broadcasts, anti-fraud alerts, meeting notices) call::

    from jingmin.messaging import actions
    campaign = actions.send(
        acting_user=user, title="協尋", text="…", tags=["village-chiefs"], source="missing"
    )

which validates the content, resolves the audience within the user's jurisdiction, checks the
quota and queues the deliveries (or waits for approval) — or raises ``ValidationError`` /
``PermissionDenied`` with a reason in the user's language before anything is queued.

Modules: :mod:`.channels`, :mod:`.contacts`, :mod:`.templates`, :mod:`.campaigns` (drafts, preview,
queueing, cancelling, :func:`send`), :mod:`.approvals`, :mod:`.tips`, :mod:`.webhook` (LINE events),
:mod:`.profiles` (friends' names and channel quotas read from LINE), :mod:`.retention`.
"""

from jingmin.messaging.actions.approvals import approvable_by, decide
from jingmin.messaging.actions.campaigns import (
    cancel_campaign,
    preview,
    queue_campaign,
    save_campaign,
    send,
)
from jingmin.messaging.actions.channels import save_channel
from jingmin.messaging.actions.contacts import add_contact, remove_contact_at_request, update_contact
from jingmin.messaging.actions.profiles import refresh_friend_names, refresh_quotas
from jingmin.messaging.actions.retention import expired, purge_expired, save_retention
from jingmin.messaging.actions.templates import delete_template, save_template
from jingmin.messaging.actions.tips import new_tracking_code, set_tip_status
from jingmin.messaging.actions.webhook import UNSUBSCRIBE_WORDS, receive_line_events

__all__ = [
    "UNSUBSCRIBE_WORDS",
    "add_contact",
    "approvable_by",
    "cancel_campaign",
    "decide",
    "delete_template",
    "expired",
    "new_tracking_code",
    "preview",
    "purge_expired",
    "queue_campaign",
    "receive_line_events",
    "refresh_friend_names",
    "refresh_quotas",
    "remove_contact_at_request",
    "save_campaign",
    "save_channel",
    "save_retention",
    "save_template",
    "send",
    "set_tip_status",
    "update_contact",
]
