"""Each role's home page is its task list for today, gathered from every app's own ``today.py``.

An app's ``today.py`` defines ``items(user, today)`` returning :class:`Item` s (what to do, how many,
where it is handled) that the user may act on, and optionally ``panel(request)`` returning
``(template name, context)`` for a small block of its own on the home page (or ``None``). The home page
lists overdue items first, then what is due today, then the rest. Floor 0: imports Django only.
"""

from dataclasses import dataclass

from django.utils import timezone

from jingmin.discover import app_modules

LEVELS = {"overdue": 0, "due": 1, "info": 2}


@dataclass(frozen=True)
class Item:
    text: str  # what to do, translated ("3 visits overdue")
    url: str  # where it is handled
    count: int = 0
    level: str = "due"  # overdue | due | info
    order: int = 50  # within a level, smaller first


def items_for(user, today=None):
    """Every app's items for the user, overdue first; items with a zero count are left out."""
    today = today or timezone.localdate()
    found = []
    for _label, module in app_modules("today"):
        if hasattr(module, "items"):
            found.extend(item for item in module.items(user, today) if item.count)
    return sorted(found, key=lambda i: (LEVELS.get(i.level, 9), i.order, i.text))


def panels_for(request):
    """[(template, context)] of the apps' home-page blocks that have something to show."""
    out = []
    for _label, module in app_modules("today"):
        if hasattr(module, "panel"):
            shown = module.panel(request)
            if shown:
                out.append(shown)
    return out
