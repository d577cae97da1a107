"""The JSON API at /api/v1/ (django-ninja). Auth: the browser session or a bearer token."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from jingmin.org.models import ApiToken
from jingmin.org.otp import session_user

logger = logging.getLogger("jingmin.api")


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (CSRF-checked on unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return session_user(request)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        token_row = ApiToken.objects.live().select_related("user").filter(digest=ApiToken.hash(token)).first()
        if token_row is None or not token_row.user.is_active:
            return None
        now = timezone.now()
        if token_row.last_used_at is None or (now - token_row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token_row.pk).update(last_used_at=now)
        request.user = token_row.user
        request.api_token = token_row
        return token_row.user


api = NinjaAPI(
    title="Jingmin API",
    version="1",
    description="Community-policing platform API. Every list is scoped to the caller's jurisdiction.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
)


def error(request, status, message, errors=None):
    body = {"detail": message}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    if getattr(request, "otp_missing", False):
        return error(
            request, 401, _("Enter the 6-digit code from your authenticator app first (two-factor sign-in).")
        )
    return error(request, 401, _("Authentication required: sign in or send a valid bearer token."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error(request, 403, str(exc) or _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error(request, exc.status_code, str(exc))


def schema_message(e):
    """A schema (pydantic) error in the user's language: Django's own wording where it has one."""
    kind, ctx = e.get("type", ""), e.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type"):
        return _("Enter a number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("string_type", "string_unicode"):
        return _("Enter a text.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Enter a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Enter an object.")
    if kind.startswith(("datetime_", "date_")):
        return _("Enter a valid date/time.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind == "too_long":
        return _("Ensure this list has at most %(max)s items.") % {"max": ctx.get("max_length")}
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le", ctx.get("lt"))
        }
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge", ctx.get("gt"))
        }
    if kind in ("enum", "literal_error"):
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": e.get("input")
        }
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in ("json_invalid", "json_type"):
        return _("The body is not valid JSON.")
    return e.get("msg", "")


def error_field(loc):
    """``("body", "payload", "title")`` → ``title``; ``("query", "limit")`` → ``limit``."""
    parts = [str(p) for p in loc[1:]]
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]  # the name of the body parameter is not a field of the request
    return ".".join(parts) or "-"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors = [{"field": error_field(e.get("loc", ())), "message": schema_message(e)} for e in exc.errors]
    return error(request, 422, _("The request is not valid."), errors)


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request, exc):
    if hasattr(exc, "message_dict"):
        errors = [{"field": f, "message": m} for f, ms in exc.message_dict.items() for m in ms]
    else:
        errors = [{"field": "-", "message": m} for m in exc.messages]
    return error(request, 422, _("The request is not valid."), errors)


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    logger.exception("API error on %s", request.path)
    return error(request, 500, _("Internal error; it has been logged."))


def register_routers():
    from jingmin.geo.api import router as geo_router
    from jingmin.messaging.api import router as messaging_router
    from jingmin.org.api import router as org_router

    api.add_router("", org_router)
    api.add_router("", geo_router)
    api.add_router("", messaging_router)
    from jingmin.intel.api import router as intel_router
    from jingmin.people.api import router as people_router
    from jingmin.places.api import router as places_router
    from jingmin.visits.api import router as visits_router

    api.add_router("", places_router)
    api.add_router("", people_router)
    api.add_router("", visits_router)
    api.add_router("", intel_router)
    from jingmin.analytics.api import router as analytics_router

    api.add_router("/analytics", analytics_router)


register_routers()
