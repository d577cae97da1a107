"""People on the home page: unread notices to the user's units, and open search requests (協尋) in them."""

from django.urls import reverse
from django.utils.translation import ngettext

from jingmin.org import roles
from jingmin.people.models import Notice, SearchRequest, SearchStatus
from jingmin.today import Item


def items(user, today):
    out = []
    if roles.can(user, "visits.view"):
        n = Notice.objects.visible_to(user).filter(read_at__isnull=True).count()
        text = ngettext("%(n)s unread notice", "%(n)s unread notices", n) % {"n": n}
        out.append(Item(text=text, url=reverse("notices:list"), count=n, level="due", order=25))
    if roles.can(user, "search.view"):
        n = SearchRequest.objects.visible_to(user).filter(status=SearchStatus.OPEN).count()
        text = ngettext("%(n)s open search request", "%(n)s open search requests", n) % {"n": n}
        out.append(Item(text=text, url=reverse("search:list"), count=n, level="info", order=40))
    return out
