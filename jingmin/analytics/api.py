"""Analytics API (mounted at /api/v1/analytics): incidents, import, hotspots, forecasts, evaluations, alerts.

Every query is scoped with ``visible_to``; a unit outside the caller's jurisdiction answers 404 like a
missing one. Bad parameters answer 422 with field errors.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from jingmin.analytics import actions, hotspot
from jingmin.analytics import forecast as fc
from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import (
    BacktestRun,
    Evaluation,
    Incident,
    IncidentCategory,
    NearRepeatTest,
    NearRepeatWarningSetting,
)
from jingmin.analytics.nearrepeat import active_alerts, warning_info, with_warnings
from jingmin.apitypes import Limit, Offset, limit, page
from jingmin.org import roles
from jingmin.org.models import Unit
from jingmin.org.scoping import user_unit

router = Router(tags=["analytics"])
MAX_LIMIT = 1000


def scoped_unit(user, code):
    """The unit ``code`` (default: the user's own) if the user may see it; 404 otherwise."""
    if not code:
        unit = user_unit(user)
        if unit is None and user.is_superuser:
            unit = Unit.objects.filter(kind="bureau").first()
        if unit is None:
            raise Http404
        return unit
    return get_object_or_404(Unit.objects.visible_to(user), code=code)


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    near_repeat: bool


@router.get("/categories", response=list[CategoryOut])
def categories(request):
    """Incident categories (editable configuration)."""
    roles.require(request.user, "analytics.view_incidents")
    return list(IncidentCategory.objects.filter(active=True))


def _parse_date(value, name):
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: _("Enter a date as YYYY-MM-DD.")})


def _incident_out(i):
    return {
        "id": i.external_id,
        "occurred_at": i.occurred_at.isoformat(),
        "category": i.category.code,
        "lat": i.lat,
        "lon": i.lon,
        "x": i.x,
        "y": i.y,
        "address": i.address,
        "beat": i.unit.code,
        "village": i.village.code,
        "source": i.source,
    }


@router.get("/incidents")
def list_incidents(
    request,
    unit: str | None = None,
    category: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Incidents in the caller's jurisdiction, newest first; filters: unit subtree, category codes
    (comma-separated), ``since``/``until`` dates (inclusive, Asia/Taipei); ``limit`` ≤ 1000."""
    roles.require(request.user, "analytics.view_incidents")
    errors = {}
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = _("Between 1 and %(n)s.") % {"n": MAX_LIMIT}
    if offset < 0:
        errors["offset"] = _("Must not be negative.")
    if errors:
        raise ValidationError(errors)
    qs = Incident.objects.visible_to(request.user).select_related("category", "unit", "village")
    if unit:
        qs = qs.filter(unit__path__startswith=scoped_unit(request.user, unit).path)
    if category:
        cats = hotspot.parse_categories(category, errors, "category")
        if errors:
            raise ValidationError(errors)
        qs = qs.filter(category__in=cats)
    from django.utils import timezone

    d = _parse_date(since, "since")
    if d:
        qs = qs.filter(occurred_at__gte=timezone.make_aware(dt.datetime.combine(d, dt.time())))
    d = _parse_date(until, "until")
    if d:
        qs = qs.filter(
            occurred_at__lt=timezone.make_aware(dt.datetime.combine(d + dt.timedelta(days=1), dt.time()))
        )
    total = qs.count()
    items = [_incident_out(i) for i in qs.order_by("-occurred_at", "-id")[offset : offset + limit]]
    return {"count": total, "limit": limit, "offset": offset, "items": items}


@router.post("/incidents/import")
def import_csv(request, file: File[UploadedFile], valid_only: Form[bool] = False):
    """Import incidents from a CSV upload (multipart field ``file``; ``valid_only`` to commit only the
    valid rows). 200 with the report when rows were written; 422 with line-numbered errors otherwise."""
    roles.require(request.user, "analytics.import_incidents")
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("The file is not UTF-8 text.")})
    report = import_incidents(
        text, acting_user=request.user, filename=file.name or "upload.csv", valid_only=valid_only
    )
    body = report.as_dict()
    if not report.written:
        body = {
            "detail": _("Nothing was imported.") if report.bad_rows else _("The file holds no incidents."),
            "errors": [
                {"field": f"line {e.line}: {e.field}", "message": str(e.reason)} for e in report.errors
            ],
            "report": report.as_dict(),
        }
        return JsonResponse(body, status=422)
    return body


def _hotspot_layer(request, unit, categories):
    roles.require(request.user, "analytics.view")
    u = scoped_unit(request.user, unit)
    params = hotspot.parse_params(u, request.GET)
    return hotspot.compute(request.user, params)


@router.get("/hotspots.geojson")
def hotspots_geojson(
    request,
    unit: str | None = None,
    categories: str | None = None,
    start: str | None = None,
    end: str | None = None,
    cell: float | None = None,
    bandwidth: float | None = None,
):
    """KDE cells (incidents per km², only above 5 % of the peak) with Gi* z-scores, the outline of the
    significant hot cells (``hot``), a ``legend`` and a ``message`` explaining an empty layer."""
    response = JsonResponse(_hotspot_layer(request, unit, categories))
    if request.GET.get("download"):
        response["Content-Disposition"] = 'attachment; filename="hotspots.geojson"'
    return response


@router.get("/hotspots.csv")
def hotspots_csv(
    request,
    unit: str | None = None,
    categories: str | None = None,
    start: str | None = None,
    end: str | None = None,
    cell: float | None = None,
    bandwidth: float | None = None,
):
    """The same cells as CSV (cell centre in EPSG:3826 and WGS84, density, count, z, p, hot)."""
    layer = _hotspot_layer(request, unit, categories)
    response = HttpResponse(hotspot.to_csv(layer), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hotspots.csv"'
    return response


@router.get("/forecast.geojson")
def forecast_geojson(
    request,
    unit: str | None = None,
    categories: str | None = None,
    horizon_days: float = 7.0,
    coverage: int | None = None,
):
    """Patrol focus boxes: the unit's top cells covering 1, 5 and 10 % of its area for the next
    ``horizon_days`` (property ``tier``), from the latest nightly run or computed now."""
    roles.require(request.user, "analytics.view")
    u = scoped_unit(request.user, unit)
    errors = {}
    cats = hotspot.parse_categories(categories, errors)
    if not 1 <= horizon_days <= 56:
        errors["horizon_days"] = _("Between 1 and 56 days.")
    if coverage is not None and coverage not in fc.COVERAGES:
        errors["coverage"] = _("One of 1, 5 or 10.")
    if errors:
        raise ValidationError(errors)
    key = fc.category_key(cats)
    run = fc.latest_run(u, key, horizon_days=horizon_days)
    if run is None:
        run = fc.compute_forecast(u, cats, horizon_days=horizon_days, save=False)
    return JsonResponse(fc.as_geojson(run, coverage))


@router.get("/evaluations")
def evaluations(request, unit: str | None = None, limit: limit(200) = 20):
    """Stored backtests (per method: hit rate and PAI per coverage) for units the caller may see."""
    roles.require(request.user, "analytics.view")
    qs = Evaluation.objects.visible_to(request.user).select_related("unit")
    if unit:
        qs = qs.filter(unit=scoped_unit(request.user, unit))
    return [
        {
            "id": e.pk,
            "unit": e.unit.code,
            "category": e.category,
            "params": e.params,
            "result": e.result,
            "best": e.best,
            "created_at": e.created_at.isoformat(),
        }
        for e in page(qs, limit)
    ]


def _alert_out(a, warnings=None):
    return {
        "id": a.pk,
        "beat": a.unit.code,
        "incident": a.incident.external_id,
        "category": a.incident.category.code,
        "occurred_at": a.incident.occurred_at.isoformat(),
        "lat": a.incident.lat,
        "lon": a.incident.lon,
        "village": a.incident.village.name,
        "distance_m": a.distance_m,
        "days": a.days,
        "valid_until": a.valid_until.isoformat(),
        "acknowledged_at": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
        "acknowledged_by": a.acknowledged_by.username if a.acknowledged_by else None,
        "community_warning": (warnings or {}).get(a.pk),
    }


@router.get("/near-repeat/alerts")
def alerts(request):
    """Active near-repeat alerts for the beats in the caller's jurisdiction (acknowledged ones included)."""
    roles.require(request.user, "analytics.view_alerts")
    rows = list(with_warnings(active_alerts(request.user).select_related("acknowledged_by"))[:500])
    warnings = warning_info(rows, request.user)
    return [_alert_out(a, warnings) for a in rows]


@router.post("/near-repeat/alerts/{alert_id}/ack")
def acknowledge_alert(request, alert_id: int):
    """Acknowledge a near-repeat alert of the caller's beat (beat officers). Out of scope or missing: 404;
    already acknowledged: 422."""
    alert = actions.acknowledge_alert(alert_id, acting_user=request.user)
    return _alert_out(alert, warning_info([alert], request.user))


@router.get("/near-repeat/tests")
def knox_tests(request, unit: str | None = None):
    """Stored Knox tests (latest first) for units the caller may see."""
    roles.require(request.user, "analytics.view")
    qs = NearRepeatTest.objects.visible_to(request.user).select_related("unit", "category")
    if unit:
        qs = qs.filter(unit=scoped_unit(request.user, unit))
    return [
        {
            "unit": t.unit.code,
            "category": t.category.code,
            "events": t.n_events,
            "distance_m": t.distance_m,
            "days": t.days,
            "note": t.note,
            "table": t.table,
            "computed_at": t.computed_at.isoformat(),
        }
        for t in qs[:100]
    ]


# ---------------------------------------------------------------------------- community warning settings


def _setting_out(station, setting):
    return {
        "station": station.code,
        "name": station.name,
        "enabled": bool(setting and setting.enabled),
        "tags": sorted(t.code for t in setting.tags.all()) if setting else [],
        "always": [actions.WARNING_TAG],
        "updated_by": setting.updated_by.username if setting and setting.updated_by_id else None,
        "updated_at": setting.updated_at.isoformat() if setting else None,
    }


def _stations(user):
    return actions.readable_stations(user)


@router.get("/near-repeat/warning-settings")
def warning_settings(request):
    """Each station in the caller's jurisdiction: whether near-repeat alerts are also sent to its
    community (neighbourhood-watch contacts of the affected villages) and with which extra tags."""
    roles.require(request.user, "analytics.view_alerts")
    return [_setting_out(st, setting) for st, setting in actions.readable_settings(request.user)]


@router.get("/near-repeat/warning-settings/{code}")
def warning_setting(request, code: str):
    """One station's setting (404 outside the caller's jurisdiction or for a unit that is not a station)."""
    roles.require(request.user, "analytics.view_alerts")
    station = get_object_or_404(_stations(request.user), code=code)
    return _setting_out(station, NearRepeatWarningSetting.objects.filter(unit=station).first())


class WarningSettingIn(Schema):
    enabled: bool | str | int | None = None
    tags: list[str] | str | None = None


@router.put("/near-repeat/warning-settings/{code}")
def put_warning_setting(request, code: str, body: WarningSettingIn):
    """Switch the station's community warnings on or off (station chief, precinct officer, administrator
    within their jurisdiction): ``{"enabled": true, "tags": ["village-chiefs"]}``. 422 with field errors."""
    setting = actions.save_warning_setting(
        acting_user=request.user,
        station=code,
        enabled=body.enabled,
        tags=[] if body.tags is None else body.tags,
    )
    return _setting_out(setting.unit, setting)


# ---------------------------------------------------------------------------- backtests


def _backtest_out(run):
    e = run.evaluation
    return {
        "id": run.pk,
        "unit": run.unit.code,
        "category": run.category,
        "params": run.params,
        "status": run.status,
        "error": run.error,
        "created_by": run.created_by.username if run.created_by_id else None,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "evaluation": (
            {"id": e.pk, "best": e.best, "result": e.result, "created_at": e.created_at.isoformat()}
            if e is not None
            else None
        ),
    }


class BacktestIn(Schema):
    unit: str | None = None
    category: str | None = None
    start: str | None = None
    weeks: int | float | str | None = 12
    horizon_days: int | float | str | None = 7
    cell: int | float | str | None = 250
    method: str | None = "all"


@router.post("/backtests")
def start_backtest(request, body: BacktestIn):
    """Queue a backtest as the evaluation page does (``unit`` of your jurisdiction, not a beat;
    ``category``; ``start`` YYYY-MM-DD; ``weeks`` 1–52; ``horizon_days`` 1–28; ``cell`` 50–2000 m;
    ``method`` or ``all``). 201 with the stored run (status ``queued``); 422 with field errors."""
    run = actions.start_backtest(
        acting_user=request.user,
        unit=body.unit or "",
        category=body.category or "",
        start=body.start or "",
        weeks=body.weeks,
        horizon_days=body.horizon_days,
        cell=body.cell,
        method=body.method or "",
    )
    return JsonResponse(_backtest_out(run), status=201)


def _backtests(user):
    roles.require(user, "analytics.view")
    return BacktestRun.objects.visible_to(user).select_related("unit", "evaluation", "created_by")


@router.get("/backtests")
def list_backtests(request, unit: str | None = None, status: str | None = None, limit: Limit = 50):
    """Backtests started from the page or the API in the caller's jurisdiction (newest first), with their
    results when done; ``unit`` narrows to a unit's subtree, ``status`` to queued/running/done/failed."""
    qs = _backtests(request.user)
    errors = {}
    if status and status not in dict(BacktestRun.STATUSES):
        errors["status"] = _("One of queued, running, done or failed.")
    if not 1 <= limit <= 200:
        errors["limit"] = _("Between 1 and %(n)s.") % {"n": 200}
    if errors:
        raise ValidationError(errors)
    if unit:
        qs = qs.filter(unit__path__startswith=scoped_unit(request.user, unit).path)
    if status:
        qs = qs.filter(status=status)
    return [_backtest_out(r) for r in qs[:limit]]


@router.get("/backtests/{run_id}")
def get_backtest(request, run_id: int):
    """One backtest and its result (404 outside the caller's jurisdiction, like a missing one)."""
    return _backtest_out(get_object_or_404(_backtests(request.user), pk=run_id))
