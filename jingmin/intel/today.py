"""The intel section of "My beat today": reports waiting too long, for those who handle them."""

from jingmin.intel.actions import overdue_reports
from jingmin.org import roles


def panel(request):
    if not roles.can(request.user, "intel.handle"):
        return None
    reports = overdue_reports(request.user)[:20]
    return "intel/_today.html", {"overdue_reports": reports}
