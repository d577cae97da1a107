"""Jurisdiction scoping, deny by default.

Every model that belongs to a place carries a ``unit``; its manager is built from
:class:`ScopedQuerySet` and every list, detail, export, map layer and API query goes through
``Model.objects.visible_to(user)``. A user sees their unit's subtree and nothing else; a user
with no unit (or an inactive or anonymous user) sees nothing; superusers see everything,
explicitly. Sensitive kinds also name the capability a reader needs (``read_capability``).
"""

from django.db import models


def user_unit(user):
    """The unit a user works in, or None.

    Loaded once per user object and without its boundary (a bureau's boundary is the whole city's
    outline; every request asks for the unit, almost none needs its shape).
    """
    if not user or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user._jingmin_unit
    except AttributeError:
        pass
    from jingmin.org.models import Unit

    unit = Unit.objects.defer("boundary").filter(members__user=user).first()
    user._jingmin_unit = unit
    return unit


#: the jurisdiction of a superuser: every unit
EVERYWHERE = "everywhere"


def jurisdiction(user):
    """The root of the subtree a user may see: their unit, :data:`EVERYWHERE` (superusers) or None
    (anonymous, inactive, or no unit) — the one rule behind ``visible_to`` and :func:`in_scope`."""
    if not user or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return EVERYWHERE
    return user_unit(user)


def in_scope(user, unit):
    """True when ``unit`` lies in the user's jurisdiction (their unit's subtree; any unit for superusers)."""
    root = jurisdiction(user)
    if root is EVERYWHERE:
        return True
    return root is not None and unit is not None and unit.path.startswith(root.path)


class ScopedQuerySet(models.QuerySet):
    """``visible_to`` applies the gate every kind shares (signed in, active, capability, superuser,
    a unit); a kind whose rows reach the jurisdiction tree differently overrides ``scope_filter``."""

    #: capability a reader needs when neither the caller nor the model (``read_capability``) names one
    default_capability = None

    def _unit_lookup(self):
        """Path from the model to its owning Unit (the model's ``scope_field``, default ``unit``)."""
        return getattr(self.model, "scope_field", "unit")

    def scope_filter(self, unit):
        """The rows that belong to ``unit``'s subtree."""
        lookup = self._unit_lookup()
        prefix = f"{lookup}__path__startswith" if lookup else "path__startswith"
        return self.filter(**{prefix: unit.path})

    def visible_to(self, user, capability=None):
        from jingmin.org.roles import can

        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        capability = capability or self.default_capability or getattr(self.model, "read_capability", None)
        if capability and not can(user, capability):
            return self.none()
        root = jurisdiction(user)
        if root is None:
            return self.none()
        if root is EVERYWHERE:
            return self.all()
        return self.scope_filter(root)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)
