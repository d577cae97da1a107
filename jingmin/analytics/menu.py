"""Menu entries of analytics (see jingmin.menu)."""

from django.utils.translation import gettext_lazy as _

from jingmin.menu import Entry
from jingmin.org import roles

ENTRIES = [
    Entry(
        "analytics:index",
        _("Analytics"),
        "analytics.view_incidents",
        "analysis",
        70,
        bottom=frozenset({roles.BUREAU_ANALYST, roles.PRECINCT_OFFICER}),
    ),
]
