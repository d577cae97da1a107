"""The audit log pages (org owns them: reading the log is a capability of the roles org defines)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.audit.models import AuditEvent
from jingmin.exports import csv_response
from jingmin.org.roles import require


def _filtered(request):
    qs = AuditEvent.objects.order_by("-id")
    errors = []
    f = request.GET
    if f.get("actor"):
        qs = qs.filter(actor_name__icontains=f["actor"])
    if f.get("object_type"):
        qs = qs.filter(object_type=f["object_type"])
    if f.get("object_id"):
        qs = qs.filter(object_id=f["object_id"])
    if f.get("unit"):
        qs = qs.filter(unit_code__startswith=f["unit"])
    if f.get("action"):
        qs = qs.filter(action__startswith=f["action"])
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        if f.get(key):
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(f[key])})
            except ValueError:
                errors.append(_("“%s” is not a date (YYYY-MM-DD).") % f[key])
    return qs, errors


@login_required
def event_list(request):
    require(request.user, "audit.view", _("Only administrators may read the audit log."))
    qs, errors = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    audit.record(
        "audit.view",
        actor=request.user,
        obj=("audit.log", "list"),
        extra={k: v for k, v in request.GET.items() if k != "page"},
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"page": page, "errors": errors, "filters": request.GET, "query": params.urlencode()},
    )


@login_required
def event_csv(request):
    require(request.user, "audit.view", _("Only administrators may read the audit log."))
    qs, errors = _filtered(request)
    audit.record(
        "audit.export", actor=request.user, obj=("audit.log", "csv"), extra=dict(request.GET.items())
    )
    header = [
        "id",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "unit",
        "reason",
        "request_id",
        "hash",
    ]
    rows = (
        [
            e.id,
            e.at.isoformat(),
            e.actor_name,
            e.action,
            e.object_type,
            e.object_id,
            e.unit_code,
            e.reason,
            e.request_id,
            e.hash,
        ]
        for e in qs.iterator(chunk_size=2000)
    )
    return csv_response("audit.csv", header, rows, stream=True)
