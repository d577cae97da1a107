"""Roles (seeded groups) and what each may do.

Roles are Django groups named by code. Capabilities are checked with :func:`can`; pages and API
endpoints ask for a capability, never for a role name, so a bureau can re-map roles in one place.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

BUREAU_ANALYST = "bureau_analyst"
PRECINCT_OFFICER = "precinct_officer"
STATION_CHIEF = "station_chief"
BEAT_OFFICER = "beat_officer"
INVESTIGATOR = "investigator"
SOCIAL_LIAISON = "social_liaison"
COMMUNITY_PARTNER = "community_partner"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    BUREAU_ANALYST: _("Bureau analyst"),
    PRECINCT_OFFICER: _("Precinct officer"),
    STATION_CHIEF: _("Station chief"),
    BEAT_OFFICER: _("Beat officer"),
    INVESTIGATOR: _("Investigator"),
    SOCIAL_LIAISON: _("Social-services liaison"),
    COMMUNITY_PARTNER: _("Community partner"),
    ADMINISTRATOR: _("Administrator"),
}
ROLES = list(ROLE_LABELS)

POLICE = {BUREAU_ANALYST, PRECINCT_OFFICER, STATION_CHIEF, BEAT_OFFICER, INVESTIGATOR, ADMINISTRATOR}
SUPERVISORS = {PRECINCT_OFFICER, STATION_CHIEF, ADMINISTRATOR}

# capability -> roles that hold it
CAPABILITIES = {
    "org.view_units": POLICE | {SOCIAL_LIAISON},
    "org.view_members": POLICE,
    "org.view_officer_details": SUPERVISORS | {BUREAU_ANALYST},
    "org.manage_training": SUPERVISORS,
    "org.view_training": POLICE,
    "org.import_units": {ADMINISTRATOR},
    "org.unlock_signin": {ADMINISTRATOR},
    "geo.view_map": POLICE | {SOCIAL_LIAISON, COMMUNITY_PARTNER},
    "audit.view": {ADMINISTRATOR},
    "analytics.view": {BUREAU_ANALYST, PRECINCT_OFFICER, STATION_CHIEF, ADMINISTRATOR},
    "analytics.view_incidents": POLICE,
    "analytics.import_incidents": {BUREAU_ANALYST, PRECINCT_OFFICER, ADMINISTRATOR},
    "analytics.view_alerts": POLICE,
    "analytics.ack_alerts": {BEAT_OFFICER},
    "analytics.run_backtest": {BUREAU_ANALYST, PRECINCT_OFFICER, STATION_CHIEF, ADMINISTRATOR},
    # switch on near-repeat warnings to the community (sent in the station chief's name)
    "analytics.manage_warnings": {STATION_CHIEF, PRECINCT_OFFICER, ADMINISTRATOR},
    # strategy 1 (places, people, visits, intelligence reports, search requests)
    "places.view": POLICE,
    "places.manage": SUPERVISORS | {BEAT_OFFICER},
    "places.import": SUPERVISORS,
    "people.view": POLICE - {INVESTIGATOR},
    "people.view_national_id": SUPERVISORS | {BEAT_OFFICER},
    "people.manage": SUPERVISORS | {BEAT_OFFICER},
    "people.import": SUPERVISORS,
    "people.view_viewers": SUPERVISORS,
    "people.map_counts": POLICE | {SOCIAL_LIAISON, COMMUNITY_PARTNER},
    "visits.view": POLICE - {INVESTIGATOR},
    "visits.log": SUPERVISORS | {BEAT_OFFICER},
    "visits.registration_notices": SUPERVISORS | {BEAT_OFFICER},
    "visits.send_registration_notice": SUPERVISORS,
    "visits.view_hours": SUPERVISORS,
    "intel.view": POLICE,
    "intel.file": POLICE,
    "intel.handle": SUPERVISORS,
    "search.view": POLICE,
    "search.open": SUPERVISORS | {BEAT_OFFICER},
    "search.report_found": POLICE,
    # messaging: campaigns, channels and audiences, tips (resident LINE IDs stay with the station)
    "messaging.view": POLICE,
    "messaging.send": {STATION_CHIEF, PRECINCT_OFFICER, BEAT_OFFICER, ADMINISTRATOR},
    "messaging.approve": SUPERVISORS,
    "messaging.manage_channels": {STATION_CHIEF, ADMINISTRATOR},
    "messaging.manage_contacts": {STATION_CHIEF, BEAT_OFFICER, ADMINISTRATOR},
    "messaging.read_tips": {STATION_CHIEF, PRECINCT_OFFICER, BEAT_OFFICER, INVESTIGATOR, ADMINISTRATOR},
    "messaging.partner_messages": {COMMUNITY_PARTNER},
    "messaging.manage_retention": {ADMINISTRATOR},
}


def roles_of(user):
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_jingmin_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._jingmin_roles = cached
    return cached


def has_role(user, *roles):
    return bool(roles_of(user) & set(roles))


def can(user, capability):
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(roles_of(user) & CAPABILITIES.get(capability, set()))


def require_page(user, capability):
    """``require`` with the message a page shows (403 page) when the role may not open it."""
    require(user, capability, gettext("You do not have permission to see this page."))


def require(user, capability, message=None, unit=None):
    """PermissionDenied (403) unless the user holds the capability — the one check every app uses.

    With ``unit``, the unit must also lie inside the user's jurisdiction (its subtree)."""
    from django.core.exceptions import PermissionDenied

    if not can(user, capability):
        raise PermissionDenied(message or gettext("You do not have permission to do this."))
    if unit is not None:
        from jingmin.org.scoping import in_scope

        if not in_scope(user, unit):
            raise PermissionDenied(gettext("This unit is outside your jurisdiction."))
