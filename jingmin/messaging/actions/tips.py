"""Tips: what residents send the station's LINE account, and the station's handling of them."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.messaging.models import Tip


@transaction.atomic
def set_tip_status(*, acting_user, tip, status):
    if not Tip.objects.visible_to(acting_user).filter(pk=tip.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    tip.status = status
    if status == Tip.Status.CLOSED:
        tip.closed_at = tip.closed_at or timezone.now()  # the retention period runs from here
    else:
        tip.closed_at = None
    tip.save(update_fields=["status", "closed_at"])
    audit.record("messaging.tip_status", actor=acting_user, obj=tip, unit=tip.unit, extra={"status": status})
    return tip


def new_tracking_code():
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "T" + "".join(secrets.choice(alphabet) for _ in range(7))
