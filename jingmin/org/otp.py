"""Two-factor sign-in (TOTP, django-otp) for sensitive roles.

When ``settings.OTP_REQUIRED`` is on (default: on outside demo mode), a user holding one of
``settings.OTP_ROLES`` must confirm a TOTP authenticator once (setup page with a QR code) and then
enter a 6-digit code after every password sign-in before any other page opens. API tokens for such
users need the ``otp`` field as well.
"""

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from jingmin.audit import log as audit
from jingmin.org import roles

EXEMPT_PREFIXES = ("/static/", "/login/", "/logout/", "/i18n/", "/healthz", "/account/otp/", "/api/")
API_PREFIX = "/api/"


def otp_required_for(user):
    if not settings.OTP_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or bool(roles.roles_of(user) & set(settings.OTP_ROLES))


def needs_code(user):
    """A signed-in user of a sensitive role whose session has not confirmed a code yet."""
    return otp_required_for(user) and not user.is_verified()


def session_user(request):
    """The browser session's user when it may act: active, and verified when its role needs a code.

    Every authentication that trusts the session cookie (the JSON API, the e-map layers) goes through
    this, so a password alone never opens what the second factor protects.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if needs_code(user):
        return None
    return user


def verify_user_token(user, token):
    """Check a code against the user's confirmed TOTP devices; the matching device or None."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


class OTPRequiredMiddleware:
    """Sends signed-in users of sensitive roles to set up or enter their code before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and request.path.startswith(API_PREFIX) and needs_code(user):
            # the API answers 401 to a session that has only given its password; a bearer token
            # (issued only after the code) still authenticates the request itself
            with transaction.atomic():
                audit.record("auth.otp_missing", actor=user, extra={"path": request.path[:200]})
            request.user = AnonymousUser()
            request.otp_missing = True
            return self.get_response(request)
        if user is not None and not request.path.startswith(EXEMPT_PREFIXES) and needs_code(user):
            target = "otp_verify" if user_has_device(user, confirmed=True) else "otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


def _safe_next(request):
    target = request.GET.get("next") or request.POST.get("next") or "/"
    return target if target.startswith("/") and not target.startswith("//") else "/"


@login_required
def otp_setup(request):
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect("otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    error = None
    if request.method == "POST":
        if device.verify_token((request.POST.get("token") or "").strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                audit.record("auth.otp_setup", actor=user, obj=device)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(_safe_next(request))
        error = _("The code is not correct. Check the time on your phone and try again.")
    svg = io.BytesIO()
    segno.make(device.config_url, error="m").save(svg, kind="svg", scale=4, xmldecl=False, svgns=True)
    return render(
        request,
        "org/otp_setup.html",
        {
            "qr_svg": svg.getvalue().decode(),
            "secret": device.config_url.split("secret=")[1].split("&")[0],
            "error": error,
            "next": _safe_next(request),
        },
    )


@login_required
def otp_verify(request):
    error = None
    if request.method == "POST":
        device = verify_user_token(request.user, request.POST.get("token"))
        if device is not None:
            otp_login(request, device)
            audit.record("auth.otp_verified", actor=request.user, obj=device)
            return redirect(_safe_next(request))
        error = _("The code is not correct. Check the time on your phone and try again.")
    return render(request, "org/otp_verify.html", {"error": error, "next": _safe_next(request)})
