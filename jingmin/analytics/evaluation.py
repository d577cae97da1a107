"""Backtests: the engine's ``evaluate`` command, on a CSV file or on a unit's incidents in the database.

``run_engine(argv)`` calls ``engine.evaluate.main(argv)`` unchanged and returns its exit status and
output. ``evaluate_unit(unit, argv)`` first writes the unit's incidents (every category, so the study
area is the engine's "cells with any incident") and the unit's boundary (``--area``, unless given) to
temporary files, runs the same command with ``--json`` and stores the result as an ``Evaluation``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from pathlib import Path

from django.db import transaction

from jingmin.analytics.engine import evaluate as engine_evaluate
from jingmin.analytics.models import Evaluation, Incident
from jingmin.audit import log as audit

PROG = "jingmin forecast evaluate"


def run_engine(argv):
    """(exit status, stdout, stderr) of ``engine.evaluate.main(argv)``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = engine_evaluate.main(list(argv), prog=PROG)
    return code, out.getvalue(), err.getvalue()


def export_unit_incidents(unit, path):
    rows = (
        Incident.objects.filter(unit__path__startswith=unit.path)
        .order_by("occurred_at", "id")
        .values_list("external_id", "occurred_at", "lat", "lon", "category__code")
    )
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "occurred_at", "lat", "lon", "category"])
        for rid, when, lat, lon, code in rows.iterator(chunk_size=5000):
            writer.writerow([rid, when.isoformat(), repr(lat), repr(lon), code])
            n += 1
    return n


def _flag(argv, name):
    return any(a == name or a.startswith(name + "=") for a in argv)


def _value(argv, name):
    for k, a in enumerate(argv):
        if a == name and k + 1 < len(argv):
            return argv[k + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None


def evaluate_unit(unit, argv, *, acting_user=None, store=True):
    """Run the engine on ``unit``'s incidents; returns (status, stdout, stderr, Evaluation or None).

    ``argv`` are the engine's arguments without ``--incidents``; the printed output is what the engine
    prints for them (the table, or the JSON with ``--json``).
    """
    argv = list(argv)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / f"{unit.code}.csv"
        export_unit_incidents(unit, csv_path)
        full = ["--incidents", str(csv_path), *argv]
        if not _flag(argv, "--area") and unit.boundary:
            area_path = Path(tmp) / f"{unit.code}.geojson"
            area_path.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": unit.boundary}))
            full += ["--area", str(area_path)]
        wants_json = _flag(argv, "--json")
        if not wants_json:
            full.append("--json")
        code, out, err = run_engine(full)
    if code != 0:
        return code, out, err, None
    result = json.loads(out)
    if not wants_json:
        out = engine_evaluate.format_table(result) + "\n"
    evaluation = None
    if store:
        evaluation = store_evaluation(unit, argv, result, acting_user=acting_user)
    return code, out, err, evaluation


@transaction.atomic
def store_evaluation(unit, argv, result, *, acting_user=None, source=None):
    params = {
        "category": _value(argv, "--category"),
        "cell": _value(argv, "--cell") or "250",
        "start": _value(argv, "--start"),
        "weeks": _value(argv, "--weeks") or "12",
        "horizon_days": _value(argv, "--horizon-days") or "7",
        "coverage": _value(argv, "--coverage") or "1,5,10,20",
        "method": _value(argv, "--method") or "all",
    }
    evaluation = Evaluation.objects.create(
        unit=unit,
        category=(params["category"] or "").strip().casefold(),
        params=params,
        result=result,
        best=result.get("best", ""),
        source=source or f"database:{unit.code}",
        created_by=acting_user,
    )
    audit.record(
        "analytics.store_evaluation",
        actor=acting_user,
        obj=evaluation,
        unit=unit,
        extra={"category": evaluation.category, "best": evaluation.best},
    )
    return evaluation
