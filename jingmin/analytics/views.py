"""Analytics pages: overview, incidents, import, hotspot map, forecast focus boxes, evaluations, alerts."""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingmin.analytics import actions, hotspot
from jingmin.analytics import forecast as fc
from jingmin.analytics.forms import BacktestForm, IncidentImportForm, LayerForm, WarningSettingForm
from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import (
    BacktestRun,
    Evaluation,
    Incident,
    IncidentCategory,
    NearRepeatTest,
    NearRepeatWarningSetting,
)
from jingmin.analytics.nearrepeat import active_alerts, attach_warning_info, with_warnings
from jingmin.forms import apply_errors
from jingmin.geo.geojson import simplify
from jingmin.org import roles, workers
from jingmin.org.charts import series
from jingmin.org.models import Unit
from jingmin.org.scoping import user_unit


@login_required
def index(request):
    roles.require_page(request.user, "analytics.view_incidents")
    user = request.user
    context = {
        "incidents": Incident.objects.visible_to(user).count(),
        # open alerts: active and not yet acknowledged (acknowledged ones leave the count, as on the home page)
        "alerts": (
            active_alerts(user).filter(acknowledged_at__isnull=True).count()
            if roles.can(user, "analytics.view_alerts")
            else 0
        ),
        "can_manage_warnings": roles.can(user, "analytics.manage_warnings"),
        "can_view": roles.can(user, "analytics.view"),
        "can_import": roles.can(user, "analytics.import_incidents"),
        "evaluations": Evaluation.objects.visible_to(user).count(),
        "by_month": incidents_by_month(user),
    }
    return render(request, "analytics/index.html", context)


@login_required
def incident_list(request):
    roles.require_page(request.user, "analytics.view_incidents")
    qs = Incident.objects.visible_to(request.user).select_related("category", "unit", "village__district")
    category = request.GET.get("category", "")
    if category:
        qs = qs.filter(category__code=category)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(external_id__icontains=q) | qs.filter(address__icontains=q)
    page = Paginator(qs.order_by("-occurred_at", "-id"), 50).get_page(request.GET.get("page"))
    params = urlencode({k: v for k, v in (("category", category), ("q", q)) if v})
    return render(
        request,
        "analytics/incident_list.html",
        {
            "page": page,
            "category": category,
            "q": q,
            "params": params,
            "categories": IncidentCategory.objects.filter(active=True),
            "can_import": roles.can(request.user, "analytics.import_incidents"),
        },
    )


@login_required
def incident_import(request):
    roles.require_page(request.user, "analytics.import_incidents")
    form = IncidentImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        name, text = form.cleaned_data["file"]
        report = import_incidents(
            text, acting_user=request.user, filename=name, valid_only=form.cleaned_data["valid_only"]
        )
        if report.written:
            messages.success(
                request,
                _("Imported: %(c)s created, %(u)s updated, %(n)s unchanged.")
                % {"c": report.created, "u": report.updated, "n": report.unchanged},
            )
    status = 200 if report is None or report.written or request.method == "GET" else 422
    return render(request, "analytics/import.html", {"form": form, "report": report}, status=status)


def _layer_page(request, mode):
    roles.require_page(request.user, "analytics.view")
    user = request.user
    units = list(Unit.objects.visible_to(user).order_by("path"))
    own = user_unit(user) or (units[0] if units else None)
    if own is None:
        raise PermissionDenied(_("You have no unit."))
    data = request.GET.copy() if request.GET else None
    form = LayerForm(data, units=units, initial={"unit": own.code})
    unit, layer_url, downloads = own, None, {}
    if form.is_bound and form.is_valid():
        cd = form.cleaned_data
        unit = get_object_or_404(Unit.objects.visible_to(user), code=cd["unit"])
        query = {"unit": unit.code}
        if cd["categories"]:
            query["categories"] = ",".join(cd["categories"])
        if mode == "hotspot":
            for name in ("start", "end"):
                if cd.get(name):
                    query[name] = cd[name].isoformat()
            for name in ("cell", "bandwidth"):
                if cd.get(name):
                    query[name] = f"{cd[name]:g}"
            try:
                area = hotspot.unit_area(unit)
                if area is not None:
                    hotspot.grid_for(area, cd.get("cell") or hotspot.DEFAULT_CELL)
            except ValidationError as exc:
                apply_errors(form, exc)
        elif cd.get("horizon_days"):
            query["horizon_days"] = f"{cd['horizon_days']:g}"
        if not form.errors:
            qs = urlencode(query)
            if mode == "hotspot":
                layer_url = f"/api/v1/analytics/hotspots.geojson?{qs}"
                downloads = {
                    "geojson": f"/api/v1/analytics/hotspots.geojson?{qs}&download=1",
                    "csv": f"/api/v1/analytics/hotspots.csv?{qs}",
                }
            else:
                layer_url = f"/api/v1/analytics/forecast.geojson?{qs}"
                downloads = {"geojson": layer_url}
    elif not form.is_bound:
        q = {"unit": own.code}
        layer_url = (
            f"/api/v1/analytics/hotspots.geojson?{urlencode(q)}"
            if mode == "hotspot"
            else f"/api/v1/analytics/forecast.geojson?{urlencode(q)}"
        )
    config = {
        "mode": mode,
        "tileUrl": settings.TILE_URL,
        "tileAttribution": settings.TILE_ATTRIBUTION,
        "layerUrl": layer_url,
        "unitOutline": simplify(unit.boundary, 14) if unit.boundary else None,
        "labels": {
            "density": _("Incidents per km²"),
            "hot": _("Significant hot spot (Gi*, p ≤ 0.05)"),
            "cells": _("cells"),
            "tilesFailed": _("Base map tiles could not load; the vector layers still work."),
            "loading": _("Computing…"),
            "failed": _("The layer could not be computed"),
            "tier": _("Top %s %% of the area"),
            "rank": _("Rank"),
            "incidents": _("incidents"),
            "method": _("Method"),
            "hotCells": _("hot cells"),
            "z": "Gi* z",
        },
    }
    evaluation = None
    if mode == "forecast":
        _method, evaluation = fc.pick_method(unit, "all")
    return render(
        request,
        "analytics/layer.html",
        {
            "form": form,
            "mode": mode,
            "unit": unit,
            "config": config,
            "downloads": downloads,
            "evaluation": evaluation,
            "coverages": fc.COVERAGES,
            "default_method": fc.DEFAULT_METHOD,
        },
    )


@login_required
def hotspots(request):
    return _layer_page(request, "hotspot")


@login_required
def forecast(request):
    return _layer_page(request, "forecast")


def _backtest_form(request):
    """The evaluation page's backtest form (None without ``analytics.run_backtest``); POST starts one."""
    user = request.user
    if not roles.can(user, "analytics.run_backtest"):
        if request.method == "POST":
            raise PermissionDenied(_("You do not have permission to do this."))
        return None, None
    units = list(Unit.objects.visible_to(user).exclude(kind="beat").order_by("path"))
    own = user_unit(user)
    initial = {"unit": own.code if own else "", "weeks": 12, "horizon_days": 7, "cell": 250, "method": "all"}
    if request.method != "POST":
        return BacktestForm(units=units, initial=initial), None
    form = BacktestForm(request.POST, units=units, initial=initial)
    if form.is_valid():
        try:
            run = actions.start_backtest(acting_user=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Backtest queued: the result appears below when it is done."))
            return form, redirect(f"{reverse('analytics:evaluations')}#backtest-{run.pk}")
    return form, None


@login_required
def evaluations(request):
    roles.require_page(request.user, "analytics.view")
    form, done = _backtest_form(request)
    if done is not None:
        return done
    runs = BacktestRun.objects.visible_to(request.user).select_related("unit", "evaluation")[:20]
    rows = []
    for e in Evaluation.objects.visible_to(request.user).select_related("unit")[:50]:
        methods = e.result.get("methods", {})
        keys = list(next(iter(methods.values()), {}).get("hit_rate", {}))
        table = [
            {
                "name": name,
                "hit": [m["hit_rate"].get(k) for k in keys],
                "pai": [m["pai"].get(k) for k in keys],
                "tests": m.get("test_incidents"),
                "seconds": m.get("seconds_per_forecast"),
                "best": name == e.best,
            }
            for name, m in methods.items()
        ]
        lift = series(
            f"lift-{e.pk}",
            _("Share of the next week's incidents inside the top-ranked area, by method"),
            labels=[f"{k} %" for k in keys],
            datasets=[(m["name"], [round(100 * (h or 0), 1) for h in m["hit"]]) for m in table],
            kind="line",
            unit=_("% of incidents"),
            label_header=_("area covered"),
        )
        rows.append({"e": e, "keys": keys, "table": table, "lift": lift})
    tests = NearRepeatTest.objects.visible_to(request.user).select_related("unit", "category")[:30]
    return render(
        request,
        "analytics/evaluations.html",
        {
            "rows": rows,
            "tests": tests,
            "form": form,
            "runs": runs,
            "waiting_for_worker": workers.waiting_for_worker(
                any(r.status in (BacktestRun.QUEUED, BacktestRun.RUNNING) for r in runs)
            ),
        },
        status=422 if form is not None and form.is_bound else 200,
    )


@login_required
def alerts(request):
    roles.require_page(request.user, "analytics.view_alerts")
    rows = list(with_warnings(active_alerts(request.user).select_related("acknowledged_by"))[:200])
    return render(
        request,
        "analytics/alerts.html",
        {
            "alerts": attach_warning_info(rows, request.user),
            "can_manage_warnings": roles.can(request.user, "analytics.manage_warnings"),
            "now": timezone.now(),
            "today": dt.date.today(),
            "can_ack": roles.can(request.user, "analytics.ack_alerts"),
            "next": request.get_full_path(),
        },
    )


@login_required
@require_POST
def alert_ack(request, pk):
    """A beat officer acknowledges a near-repeat alert of their beat (out of scope: 404)."""
    try:
        actions.acknowledge_alert(pk, acting_user=request.user)
    except ValidationError as exc:
        for errs in exc.message_dict.values():
            for err in errs:
                messages.error(request, err)
    else:
        messages.success(request, _("Alert acknowledged."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("analytics:alerts")
    return redirect(target)


@login_required
def warning_settings(request):
    """Each station in the user's jurisdiction: are near-repeat alerts also sent to its community?"""
    roles.require_page(request.user, "analytics.view_alerts")
    manageable = set(actions.manageable_stations(request.user).values_list("pk", flat=True))
    rows = [
        {"station": st, "setting": setting, "can_edit": st.pk in manageable}
        for st, setting in actions.readable_settings(request.user)
    ]
    return render(request, "analytics/warning_settings.html", {"rows": rows})


@login_required
def warning_setting_edit(request, code):
    """A station chief (or precinct officer / administrator above) switches community warnings on or off."""
    roles.require_page(request.user, "analytics.manage_warnings")
    station = get_object_or_404(actions.manageable_stations(request.user), code=code)
    setting = NearRepeatWarningSetting.objects.filter(unit=station).first()
    initial = {
        "enabled": bool(setting and setting.enabled),
        "tags": list(setting.tags.values_list("code", flat=True)) if setting else [],
    }
    form = WarningSettingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.save_warning_setting(
                    acting_user=request.user,
                    station=station,
                    enabled=form.cleaned_data["enabled"],
                    tags=form.cleaned_data["tags"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("analytics:warning_settings")
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "analytics/warning_setting_form.html",
        {"form": form, "station": station, "chief": actions.station_chief(station)},
        status=status,
    )


def incidents_by_month(user, months=12, top=6):
    """Chart spec: the user's incidents per month of the last ``months`` months, by category (the ``top``
    most frequent categories, the rest as "other")."""
    import datetime as dt
    from collections import Counter, defaultdict

    from django.utils import timezone

    from jingmin.org.dates import last_months, roc_month

    span = last_months(months)
    start = timezone.make_aware(dt.datetime(span[0][0], span[0][1], 1))
    counts, totals = defaultdict(Counter), Counter()
    rows = (
        Incident.objects.visible_to(user)
        .filter(occurred_at__gte=start)
        .values_list("occurred_at", "category_id")
    )
    for occurred_at, category_id in rows.iterator(chunk_size=5000):
        local = timezone.localtime(occurred_at)
        counts[(local.year, local.month)][category_id] += 1
        totals[category_id] += 1
    names = {c.pk: str(c) for c in IncidentCategory.objects.filter(pk__in=list(totals))}
    shown = [pk for pk, _n in totals.most_common(top)]
    datasets = [(names[pk], [counts[m][pk] for m in span]) for pk in shown]
    if len(totals) > top:
        rest = [sum(n for pk, n in counts[m].items() if pk not in shown) for m in span]
        datasets.append((_("other"), rest))
    return series(
        "incidents-by-month",
        _("Incidents per month by category"),
        labels=[roc_month(y, m) for y, m in span],
        datasets=datasets,
        kind="stacked",
        unit=_("incidents"),
        label_header=_("month"),
    )
