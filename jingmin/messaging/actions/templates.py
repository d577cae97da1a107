"""Message templates of a unit (the shared ones are edited by administrators)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.messaging.models import MessageTemplate
from jingmin.org import roles
from jingmin.org.scoping import user_unit


def _require_own(acting_user, template):
    """Only a template of the user's own unit subtree is changed here; the shared ones in the admin."""
    if (
        template.unit_id is None
        or not MessageTemplate.objects.visible_to(acting_user).filter(pk=template.pk).exists()
    ):
        raise PermissionDenied(_("The shared templates are edited by administrators."))


@transaction.atomic
def save_template(*, acting_user, template=None, category, title, body, scam_type="", link=""):
    roles.require(acting_user, "messaging.send")
    unit = user_unit(acting_user)
    if template is None:
        if unit is None and not acting_user.is_superuser:  # a template without a unit is a shared one
            raise PermissionDenied(_("You have no unit."))
        template = MessageTemplate(unit=unit)
    else:
        _require_own(acting_user, template)
    if not body.strip():
        raise ValidationError({"body": _("This field is required.")})
    template.category, template.title, template.body = category, title.strip(), body
    template.scam_type, template.link = scam_type.strip(), link
    template.save()
    audit.record(
        "messaging.save_template", actor=acting_user, obj=template, unit=unit, extra={"title": template.title}
    )
    return template


@transaction.atomic
def delete_template(*, acting_user, template):
    """Delete a template of the user's unit subtree; campaigns written from it keep their text."""
    roles.require(acting_user, "messaging.send")
    _require_own(acting_user, template)
    pk, unit, title = template.pk, template.unit, template.title
    template.delete()
    audit.record(
        "messaging.delete_template",
        actor=acting_user,
        obj=("messaging.messagetemplate", pk),
        unit=unit,
        extra={"title": title},
    )
