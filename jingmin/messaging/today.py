"""Messaging on the home page: tips not yet read, and campaigns waiting for the user's approval."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import ngettext

from jingmin.messaging.models import Campaign, CampaignApproval, Tip
from jingmin.org import roles
from jingmin.org.models import Unit
from jingmin.today import Item


def items(user, today):
    out = []
    if roles.can(user, "messaging.read_tips"):
        n = Tip.objects.visible_to(user).filter(status=Tip.Status.NEW).count()
        text = ngettext("%(n)s new tip to read", "%(n)s new tips to read", n) % {"n": n}
        out.append(
            Item(text=text, url=f"{reverse('messaging:tip_list')}?status=new", count=n, level="due", order=30)
        )
    if roles.can(user, "messaging.approve"):
        stations = Unit.objects.visible_to(user).values("pk")
        n = (
            CampaignApproval.objects.filter(
                station__in=stations,
                decision=CampaignApproval.Decision.PENDING,
                campaign__status=Campaign.Status.PENDING_APPROVAL,
            )
            .filter(~Q(campaign__created_by=user))
            .values("campaign")
            .distinct()
            .count()
        )
        text = ngettext(
            "%(n)s campaign waiting for your approval", "%(n)s campaigns waiting for your approval", n
        ) % {"n": n}
        out.append(Item(text=text, url=reverse("messaging:campaign_list"), count=n, level="due", order=31))
    return out
