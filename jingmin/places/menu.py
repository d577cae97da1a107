"""Menu entries of places with crime indicators (see jingmin.menu)."""

from django.utils.translation import gettext_lazy as _

from jingmin.menu import Entry

ENTRIES = [
    Entry("places:list", _("Places"), "places.view", "know", 30),
]
