"""Request hygiene shared by every page and API."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RejectNulMiddleware:
    """Refuse NUL characters in the path, query or JSON body with 400.

    PostgreSQL cannot store or compare a string holding NUL (0x00); letting one reach a query is a 500.
    Django's form CharFields already refuse it; this covers URLs, query parameters and JSON bodies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "").lower()
        bad = "\x00" in request.path or "%00" in query or "\x00" in query
        if (
            not bad
            and request.content_type == "application/json"
            and request.method in ("POST", "PUT", "PATCH")
            # webhooks check their own bodies: size before reading, then each event on its own
            and not request.path.startswith("/hooks/")
        ):
            try:
                body = request.body
            except RequestDataTooBig:
                return _refuse(request, _("The request body is too large."), status=413)
            bad = b"\x00" in body or b"\\u0000" in body.lower()
        if bad:
            return _refuse(request, _("The request contains a NUL character, which is not allowed."))
        return self.get_response(request)


def _refuse(request, message, status=400):
    """``status`` with ``message``: JSON for machine clients (API, Open311, webhooks), the error page otherwise."""
    if request.path.startswith(("/api/", "/open311/", "/hooks/")):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "400.html", {"message": message}, status=status)


class RejectBadMultipartMiddleware:
    """Refuse a ``multipart/form-data`` body without a valid boundary with 400 (JSON for the API).

    Django raises ``MultiPartParserError`` when such a body is first read (``request.POST`` or
    ``request.FILES``), which a view or the CSRF check would otherwise turn into a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == "multipart/form-data":
            boundary = request.content_params.get("boundary", "")
            if not boundary or not _valid_boundary(boundary):
                return _refuse(request, _("The upload is malformed (multipart body without a boundary)."))
        return self.get_response(request)


def _valid_boundary(boundary):
    from django.http.multipartparser import MultiPartParser

    return MultiPartParser.boundary_re.match(boundary) is not None
