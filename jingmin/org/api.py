from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from jingmin.audit import log as audit
from jingmin.org import lockout, roles
from jingmin.org.models import ApiToken, Unit
from jingmin.org.otp import otp_required_for, verify_user_token
from jingmin.org.scoping import user_unit

router = Router(tags=["org"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: str


class UnitRef(Schema):
    code: str
    name: str
    kind: str


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]
    unit: UnitRef | None
    is_superuser: bool


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    path: str


class ErrorOut(Schema):
    detail: str


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut})
def create_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token. Lockout rules apply (5 failures → 15 min)."""
    from axes.exceptions import AxesBackendPermissionDenied

    try:
        user = authenticate(request, username=payload.username, password=payload.password)
    except AxesBackendPermissionDenied:
        return 429, {"detail": lockout.locked_message(request)}
    if getattr(request, "axes_locked_out", False):
        return 429, {"detail": lockout.locked_message(request)}
    if user is None:
        return 401, {"detail": _("Wrong username or password.")}
    if not user.is_active:
        return 403, {"detail": _("This account is disabled.")}
    if otp_required_for(user) and verify_user_token(user, payload.otp) is None:
        return 401, {
            "detail": _("This account needs the 6-digit code from its authenticator app (field “otp”).")
        }
    lockout.clear_failures(request, user)
    token, raw = ApiToken.issue(user)
    audit.record("auth.token_issued", actor=user, obj=token, unit=user_unit(user))
    return 200, {"token": raw, "expires_at": token.expires_at.isoformat()}


@router.delete("/auth/token", response={204: None})
def revoke_token(request):
    """Revoke the bearer token used for this request (or all of the caller's tokens with a session)."""
    token = getattr(request, "api_token", None)
    tokens = ApiToken.objects.filter(pk=token.pk) if token else ApiToken.objects.filter(user=request.user)
    count = tokens.live().update(revoked_at=timezone.now())
    audit.record(
        "auth.token_revoked",
        actor=request.user,
        obj=("org.apitoken", token.pk if token else "all"),
        extra={"count": count},
    )
    return 204, None


def _unit_ref(unit):
    return {"code": unit.code, "name": unit.display_name, "kind": unit.kind} if unit else None


@router.get("/me", response=MeOut)
def me(request):
    user = request.user
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "roles": sorted(roles.roles_of(user)),
        "unit": _unit_ref(user_unit(user)),
        "is_superuser": user.is_superuser,
    }


def _unit_out(unit, parents):
    return {
        "code": unit.code,
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "parent": parents.get(unit.parent_id),
        "path": unit.path,
    }


@router.get("/units", response=list[UnitOut])
def list_units(request, kind: Unit.Kind | None = None):
    """The units the caller may see (their unit's subtree)."""
    units = Unit.objects.visible_to(request.user, "org.view_units").only(
        "code", "name", "name_en", "kind", "parent_id", "path"
    )
    if kind:
        units = units.filter(kind=kind)
    parents = dict(Unit.objects.values_list("pk", "code"))
    return [_unit_out(u, parents) for u in units]


@router.get("/units/{code}", response=UnitOut)
def get_unit(request, code: str):
    unit = get_object_or_404(Unit.objects.visible_to(request.user, "org.view_units"), code=code)
    parents = dict(Unit.objects.filter(pk=unit.parent_id).values_list("pk", "code"))
    return _unit_out(unit, parents)


__all__ = ["router", "HttpError"]
