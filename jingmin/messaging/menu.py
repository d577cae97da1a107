"""Menu entries of messaging and tips (see jingmin.menu)."""

from django.utils.translation import gettext_lazy as _

from jingmin.menu import Entry
from jingmin.org import roles

ENTRIES = [
    Entry(
        "messaging:campaign_list",
        _("Messages"),
        "messaging.view",
        "join",
        50,
        bottom=frozenset({roles.STATION_CHIEF, roles.PRECINCT_OFFICER}),
    ),
    Entry(
        "messaging:tip_list",
        _("Tips"),
        "messaging.read_tips",
        "join",
        52,
        bottom=frozenset({roles.INVESTIGATOR}),
    ),
    Entry(
        "messaging:partner_messages",
        _("Group messages"),
        "messaging.partner_messages",
        "join",
        54,
        bottom=frozenset({roles.COMMUNITY_PARTNER}),
    ),
]
