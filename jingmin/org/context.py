from django.conf import settings
from django.templatetags.static import static
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from jingmin import menu
from jingmin.org import roles
from jingmin.org.scoping import user_unit


def jingmin(request):
    user = getattr(request, "user", None)
    return {
        "jm_unit": user_unit(user) if user is not None else None,
        "jm_can_messaging_retention": roles.can(user, "messaging.manage_retention"),
        "jm_demo": settings.DEMO,
        "jm_org_name": settings.ORG_NAME,
        "jm_basemap": basemap_config,
        "jm_menu": SimpleLazyObject(lambda: menu_for(user)),
    }


def menu_for(user):
    """{"groups": [(name, [entry, …]), …], "bottom": [entry, …]}: the menu entries the user may open,
    grouped by strategy, and the phone bottom bar of the user's role."""
    if user is None or not user.is_authenticated:
        return {"groups": [], "bottom": []}
    allowed = [e for e in menu.entries() if roles.can(user, e.capability)]
    groups = [(name, [e for e in allowed if e.group == code]) for code, name in menu.GROUPS]
    mine = roles.roles_of(user)
    bottom = [e for e in allowed if e.bottom & mine][: menu.BOTTOM_MAX]
    return {"groups": [(name, items) for name, items in groups if items], "bottom": bottom}


def basemap_config():
    """What every map's base needs (templates/_leaflet.html → static/jingmin/basemap.js)."""
    return {
        "tileUrl": settings.TILE_URL,
        "attribution": settings.TILE_ATTRIBUTION,
        "outline": static("jingmin/tainan-outline.json"),
        # Leaflet appends marker-icon.png etc.; collectstatic keeps the unhashed originals too
        "images": f"{settings.STATIC_URL}vendor/leaflet/images/",
        "waitMs": settings.TILE_WAIT_MS,
        "labels": {
            "tilesFailed": _("Base map could not load; showing district and village boundaries."),
            "searchPlace": _("Find a village or district"),
            "myLocation": _("Use my location"),
            "noLocation": _("Location not available"),
            "layersFailed": _("%s layer(s) failed to load"),
        },
    }
