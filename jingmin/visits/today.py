"""Visits on the home page: the visits overdue and due today in the user's beat (or jurisdiction)."""

from django.urls import reverse
from django.utils.translation import ngettext

from jingmin.org import roles
from jingmin.today import Item
from jingmin.visits.schedule import due_list


def items(user, today):
    if not roles.can(user, "visits.view"):
        return []
    due = due_list(user, today)
    overdue = sum(1 for item in due if item.overdue)
    url = reverse("visits:today")
    return [
        Item(
            text=ngettext("%(n)s visit overdue", "%(n)s visits overdue", overdue) % {"n": overdue},
            url=url,
            count=overdue,
            level="overdue",
            order=20,
        ),
        Item(
            text=ngettext("%(n)s visit due", "%(n)s visits due", len(due) - overdue)
            % {"n": len(due) - overdue},
            url=url,
            count=len(due) - overdue,
            level="due",
            order=21,
        ),
    ]
