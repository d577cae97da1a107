"""Every write of the org app: validated, audited, atomic."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.org import roles
from jingmin.org.models import Officer, TrainingAttendance, TrainingSession


def ensure_role_groups():
    for code in roles.ROLES:
        Group.objects.get_or_create(name=code)


@transaction.atomic
def create_user(
    *,
    acting_user,
    username,
    password,
    unit,
    role_codes,
    first_name="",
    last_name="",
    badge_number="",
    phone="",
    title="",
    is_superuser=False,
    demo=False,
):
    """Create (or, when it exists, leave untouched) a user with an officer profile and roles."""
    User = get_user_model()
    unknown = set(role_codes) - set(roles.ROLES)
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %s") % ", ".join(sorted(unknown))})
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_superuser": is_superuser,
            "is_staff": is_superuser,
        },
    )
    if not created:
        return user, False
    user.set_password(password)
    user.save()
    ensure_role_groups()
    user.groups.set(Group.objects.filter(name__in=role_codes))
    Officer.objects.create(user=user, unit=unit, badge_number=badge_number, phone=phone, title=title)
    audit.record(
        "org.create_user",
        actor=acting_user,
        obj=user,
        unit=unit,
        extra={"roles": sorted(role_codes), "demo": demo},
    )
    return user, True


@transaction.atomic
def create_training_session(*, acting_user, unit, topic, held_on, hours, trainer="", notes=""):
    roles.require(acting_user, "org.manage_training", unit=unit)
    if hours is None or hours <= 0 or hours > 24:
        raise ValidationError({"hours": _("Hours must be more than 0 and at most 24.")})
    if not (topic or "").strip():
        raise ValidationError({"topic": _("This field is required.")})
    session = TrainingSession.objects.create(
        unit=unit,
        topic=topic.strip(),
        held_on=held_on,
        hours=hours,
        trainer=trainer,
        notes=notes,
        created_by=acting_user,
    )
    audit.record(
        "org.create_training",
        actor=acting_user,
        obj=session,
        unit=unit,
        extra={"topic": session.topic, "held_on": held_on.isoformat()},
    )
    return session


@transaction.atomic
def set_attendance(*, acting_user, session, officers, completed_ids=()):
    """Replace the attendee list of a session; ``completed_ids`` are officer ids who completed it."""
    roles.require(acting_user, "org.manage_training", unit=session.unit)
    allowed = set(
        Officer.objects.visible_to(acting_user)
        .police()
        .filter(unit__path__startswith=session.unit.path)
        .values_list("pk", flat=True)
    )
    wanted = {o.pk for o in officers}
    outside = wanted - allowed
    if outside:
        raise ValidationError({"officers": _("Some officers are not in this unit.")})
    completed_ids = set(completed_ids) & wanted
    TrainingAttendance.objects.filter(session=session).exclude(officer_id__in=wanted).delete()
    for officer_id in wanted:
        TrainingAttendance.objects.update_or_create(
            session=session, officer_id=officer_id, defaults={"completed": officer_id in completed_ids}
        )
    audit.record(
        "org.set_attendance",
        actor=acting_user,
        obj=session,
        unit=session.unit,
        extra={"attendees": sorted(wanted), "completed": sorted(completed_ids)},
    )
    return session
