"""Menu entries of the persons register (see jingmin.menu)."""

from django.utils.translation import gettext_lazy as _

from jingmin.menu import Entry
from jingmin.org import roles

ENTRIES = [
    Entry(
        "people:list",
        _("Persons"),
        "people.view",
        "know",
        32,
        bottom=frozenset({roles.BEAT_OFFICER, roles.STATION_CHIEF}),
    ),
    Entry("notices:list", _("Notices"), "visits.view", "know", 22, bottom=frozenset({roles.BEAT_OFFICER})),
    Entry("search:list", _("Search requests"), "search.view", "know", 45),
]
