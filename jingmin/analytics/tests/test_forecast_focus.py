"""Forecast focus boxes cover the requested share of the unit's area; the method comes from the backtest."""

import math

import pytest

from jingmin.analytics import forecast as fc
from jingmin.analytics.evaluation import store_evaluation
from jingmin.analytics.models import ForecastRun
from jingmin.org import roles


def test_boxes_cover_one_five_and_ten_percent(w):
    run = fc.compute_forecast(w.precinct, cell=250)
    assert run.pk and run.n_incidents > 100 and run.study_cells > 0
    tiers = [b["tier"] for b in run.boxes]
    for c in fc.COVERAGES:
        want = math.ceil(c / 100 * run.study_cells)
        assert sum(1 for t in tiers if t <= c) == want, (c, want)
    ranks = [b["rank"] for b in run.boxes]
    assert ranks == list(range(1, len(ranks) + 1))
    risks = [b["risk"] for b in run.boxes]
    assert risks == sorted(risks, reverse=True)
    # the boxes' area is the share of the unit's area (in cells of the unit)
    area_share = len(run.boxes) * run.cell**2 / (run.study_cells * run.cell**2)
    assert area_share == pytest.approx(0.10, abs=1 / run.study_cells + 1e-9)


def test_no_look_ahead_and_empty_history(w):
    import datetime as dt

    start = dt.datetime(1995, 1, 1, tzinfo=dt.UTC)
    run = fc.compute_forecast(w.station, start=start, save=False)
    assert run.n_incidents == 0 and run.boxes == [] and run.note
    data = fc.as_geojson(run)
    assert data["features"] == [] and data["message"]


def test_method_from_latest_evaluation(w):
    assert fc.pick_method(w.station, "all") == (None, None)
    result = {"study_cells": 10, "methods": {"naive": {"hit_rate": {"1": 0.1}}}, "best": "naive"}
    ev = store_evaluation(w.precinct, ["--category", "all"], result)
    method, used = fc.pick_method(w.station, "all")
    assert (method, used) == ("naive", ev)
    run = fc.compute_forecast(w.station)
    assert run.method == "naive" and run.evaluation == ev
    # without an evaluation the default method is used
    ev.delete()
    assert fc.compute_forecast(w.station, save=False).method in (fc.DEFAULT_METHOD, fc.FALLBACK_METHOD)


def test_api_serves_boxes_by_tier(client, w):
    client.force_login(w.inside[roles.STATION_CHIEF])
    before = ForecastRun.objects.count()
    data = client.get(f"/api/v1/analytics/forecast.geojson?unit={w.station.code}&coverage=5").json()
    assert data["features"] and all(f["properties"]["tier"] <= 5 for f in data["features"])
    assert data["meta"]["method"]
    assert ForecastRun.objects.count() == before  # computing on demand stores nothing
    bad = client.get(f"/api/v1/analytics/forecast.geojson?unit={w.station.code}&coverage=7")
    assert bad.status_code == 422
    assert client.get("/analytics/forecast/").status_code == 200
