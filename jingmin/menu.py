"""The menu of every page, gathered from each app's own ``menu.py`` (a list ``ENTRIES`` of :class:`Entry`).

Entries are grouped by the programme's strategies (查訪 / 關懷 / 參與 / 融入 / 問題導向) plus analysis and
administration; a user sees the entries whose capability their role holds. ``bottom`` names the roles
whose phone bottom bar shows the entry (at most four, by ``order``); ``org.context`` picks what a user
may open. Floor 0: imports Django only.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jingmin.discover import app_modules

GROUPS = [
    ("know", _("Know & visit")),  # 查訪: know the community, do the visits
    ("care", _("Care")),  # 關懷
    ("join", _("Take part")),  # 參與: residents take part
    ("inside", _("In the community")),  # 融入: police inside the community
    ("problems", _("Problem solving")),  # 問題導向
    ("analysis", _("Analysis")),
    ("admin", _("Administration")),
]
BOTTOM_MAX = 4


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: object  # a lazy translation
    capability: str
    group: str
    order: int = 50
    bottom: frozenset = field(default_factory=frozenset)  # roles whose phone bottom bar shows it

    @property
    def url(self):
        return reverse(self.url_name)


def entries():
    found = [entry for _label, module in app_modules("menu") for entry in getattr(module, "ENTRIES", ())]
    known = {code for code, _name in GROUPS}
    for entry in found:
        if entry.group not in known:
            raise ValueError(f"menu entry {entry.url_name}: unknown group {entry.group!r}")
    return sorted(found, key=lambda e: e.order)
