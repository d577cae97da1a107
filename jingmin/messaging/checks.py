"""Deployment check: LINE fetches campaign images from ``JINGMIN_PUBLIC_URL``; it must be public https.

Tagged ``deploy`` (``jingmin check --deploy``): development and the demo run on
``https://localhost:8000`` (the default when the variable is unset) and should not be nagged.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOCAL_HOSTS = {"localhost", "localhost.localdomain", ""}


def _problem(url):
    """Why LINE could not fetch images from ``url``, or None."""
    if not url:
        return "JINGMIN_PUBLIC_URL is not set"
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"JINGMIN_PUBLIC_URL ({url}) is not an https:// address"
    host = (parts.hostname or "").lower()
    if host in LOCAL_HOSTS or host.endswith((".localhost", ".local")):
        return f"JINGMIN_PUBLIC_URL ({url}) is not public (unset: it defaults to https://localhost:8000)"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_private or address.is_loopback or address.is_link_local:
        return f"JINGMIN_PUBLIC_URL ({url}) is a private address"
    return None


def image_campaigns_possible():
    """Images can be attached to campaigns (``JINGMIN_MESSAGING_MAX_IMAGE_BYTES`` > 0)."""
    return int(getattr(settings, "MESSAGING", {}).get("MAX_IMAGE_BYTES", 0) or 0) > 0


@checks.register(checks.Tags.security, deploy=True)
def check_public_url(app_configs=None, **kwargs):
    if not image_campaigns_possible():
        return []
    problem = _problem(getattr(settings, "PUBLIC_URL", ""))
    if problem is None:
        return []
    return [
        checks.Warning(
            f"{problem}: LINE cannot fetch the images of campaigns.",
            hint=(
                "Set JINGMIN_PUBLIC_URL to the public https:// base URL of this site "
                "(LINE's servers download campaign images from it), or set "
                "JINGMIN_MESSAGING_MAX_IMAGE_BYTES=0 to disable image campaigns."
            ),
            id="jingmin.messaging.W001",
        )
    ]
