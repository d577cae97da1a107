"""Menu entries of visits (see jingmin.menu)."""

from django.utils.translation import gettext_lazy as _

from jingmin.menu import Entry
from jingmin.org import roles

ENTRIES = [
    Entry(
        "visits:today",
        _("My beat today"),
        "visits.view",
        "know",
        20,
        bottom=frozenset({roles.BEAT_OFFICER, roles.STATION_CHIEF}),
    ),
    Entry(
        "visits:registration_list",
        _("Household registration notices"),
        "visits.registration_notices",
        "know",
        24,
    ),
]
