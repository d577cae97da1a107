"""Menu entries of intelligence reports (see jingmin.menu)."""

from django.utils.translation import gettext_lazy as _

from jingmin.menu import Entry
from jingmin.org import roles

ENTRIES = [
    Entry(
        "intel:list",
        _("Intelligence reports"),
        "intel.view",
        "know",
        40,
        bottom=frozenset({roles.STATION_CHIEF, roles.INVESTIGATOR}),
    ),
]
