from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext as _

from jingmin.org import roles
from jingmin.org.scoping import user_unit


def jingmin(request):
    user = getattr(request, "user", None)
    return {
        "jm_unit": user_unit(user) if user is not None else None,
        "jm_can_audit": roles.can(user, "audit.view"),
        "jm_can_units": roles.can(user, "org.view_units"),
        "jm_can_training": roles.can(user, "org.view_training"),
        "jm_can_map": roles.can(user, "geo.view_map"),
        "jm_can_places": roles.can(user, "places.view"),
        "jm_can_people": roles.can(user, "people.view"),
        "jm_can_visits": roles.can(user, "visits.view"),
        "jm_can_registration_notices": roles.can(user, "visits.registration_notices"),
        "jm_can_intel": roles.can(user, "intel.view"),
        "jm_can_search": roles.can(user, "search.view"),
        "jm_can_messaging": roles.can(user, "messaging.view"),
        "jm_can_tips": roles.can(user, "messaging.read_tips"),
        "jm_can_partner_messages": roles.can(user, "messaging.partner_messages"),
        "jm_can_messaging_retention": roles.can(user, "messaging.manage_retention"),
        "jm_can_analytics": roles.can(user, "analytics.view_incidents"),
        "jm_demo": settings.DEMO,
        "jm_org_name": settings.ORG_NAME,
        "jm_basemap": basemap_config,
    }


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
