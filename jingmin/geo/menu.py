"""Menu entries of the map (see jingmin.menu)."""

from django.utils.translation import gettext_lazy as _

from jingmin.menu import Entry
from jingmin.org import roles

ENTRIES = [
    Entry("geo:map", _("Map"), "geo.view_map", "know", 10, bottom=frozenset(roles.ROLE_LABELS)),
]
