"""Menu entries of units and training (see jingmin.menu)."""

from django.utils.translation import gettext_lazy as _

from jingmin.menu import Entry
from jingmin.org import roles

ENTRIES = [
    Entry("org:unit_list", _("Units"), "org.view_units", "admin", 90),
    Entry("org:training_list", _("Training"), "org.view_training", "admin", 92),
    Entry("audit:list", _("Audit log"), "audit.view", "admin", 95, bottom=frozenset({roles.ADMINISTRATOR})),
]
