"""Intelligence reports on the home page and on "My beat today": reports waiting too long, for those
who handle them (see jingmin.today)."""

from django.urls import reverse
from django.utils.translation import ngettext

from jingmin.intel.actions import overdue_reports
from jingmin.org import roles
from jingmin.today import Item


def items(user, today):
    if not roles.can(user, "intel.handle"):
        return []
    n = overdue_reports(user).count()
    text = ngettext(
        "%(n)s intelligence report waiting too long", "%(n)s intelligence reports waiting too long", n
    ) % {"n": n}
    return [Item(text=text, url=reverse("intel:list"), count=n, level="overdue", order=10)]


def panel(request):
    if not roles.can(request.user, "intel.handle"):
        return None
    reports = overdue_reports(request.user)[:20]
    if not reports:
        return None
    return "intel/_today.html", {"overdue_reports": reports}
