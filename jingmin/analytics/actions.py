"""Writes of the analytics app besides the incident import (``importer.py``): validated, audited, atomic.

- ``acknowledge_alert``: a beat officer acknowledges a near-repeat alert of their beat; it then leaves
  the home-page box (it stays on the alerts page and in the API, marked as acknowledged).
- ``start_backtest`` / ``complete_backtest``: a backtest started from the evaluation page is stored as a
  ``BacktestRun`` and run by a django_tasks task; when done its ``Evaluation`` is stored and shown.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.analytics.engine.forecast import FORECASTERS
from jingmin.analytics.models import BacktestRun, IncidentCategory, NearRepeatAlert
from jingmin.audit import log as audit
from jingmin.org import roles
from jingmin.org.models import Unit

BACKTEST_LIMITS = {"weeks": (1, 52), "horizon_days": (1, 28), "cell": (50, 2000)}
MAX_PENDING_BACKTESTS = 3
BACKTEST_TZ = "Asia/Taipei"


def backtest_methods():
    return ["all", *FORECASTERS]


@transaction.atomic
def acknowledge_alert(alert_id, *, acting_user, now=None):
    """Mark a near-repeat alert of the user's beat as acknowledged; out of scope or missing → Http404."""
    if not roles.can(acting_user, "analytics.ack_alerts"):
        raise PermissionDenied(_("You do not have permission to do this."))
    try:
        alert = (
            NearRepeatAlert.objects.visible_to(acting_user).select_for_update(of=("self",)).get(pk=alert_id)
        )
    except (NearRepeatAlert.DoesNotExist, ValueError, TypeError):
        raise Http404
    if alert.acknowledged_at is not None:
        raise ValidationError({"alert": _("This alert has already been acknowledged.")})
    alert.acknowledged_at = now or timezone.now()
    alert.acknowledged_by = acting_user
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(
        "analytics.acknowledge_alert",
        actor=acting_user,
        obj=alert,
        unit=alert.unit,
        extra={"incident": alert.incident.external_id},
    )
    return alert


def _number(errors, params, name, cast):
    lo, hi = BACKTEST_LIMITS[name]
    value = params.get(name)
    try:
        value = cast(value)
    except (TypeError, ValueError):
        errors[name] = _("Enter a number.")
        return None
    if not lo <= value <= hi:
        errors[name] = _("Enter a number from %(lo)s to %(hi)s.") % {"lo": lo, "hi": hi}
        return None
    return value


@transaction.atomic
def start_backtest(*, acting_user, unit, category, start, weeks=12, horizon_days=7, cell=250, method="all"):
    """Validate and queue a backtest of ``category`` in ``unit`` (a code or Unit the user may see).

    Field errors raise ValidationError (nothing is written); the task is enqueued when the transaction
    commits. Returns the ``BacktestRun``.
    """
    if not roles.can(acting_user, "analytics.run_backtest"):
        raise PermissionDenied(_("You do not have permission to do this."))
    errors = {}
    code = unit.code if isinstance(unit, Unit) else str(unit or "")
    unit = Unit.objects.visible_to(acting_user).filter(code=code).first() if code else None
    if unit is None:
        errors["unit"] = _("Choose a unit in your jurisdiction.")
    category = str(category or "").strip().casefold()
    if not IncidentCategory.objects.filter(active=True, code=category).exists():
        errors["category"] = _("Choose a known category.")
    values = {
        "weeks": _number(errors, {"weeks": weeks}, "weeks", int),
        "horizon_days": _number(errors, {"horizon_days": horizon_days}, "horizon_days", float),
        "cell": _number(errors, {"cell": cell}, "cell", float),
    }
    if method not in backtest_methods():
        errors["method"] = _("Choose a known method.")
    if isinstance(start, str):
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            start = None
    if not isinstance(start, dt.date):
        errors["start"] = _("Enter a date as YYYY-MM-DD.")
    elif values["weeks"] and values["horizon_days"]:
        end = start + dt.timedelta(days=7 * (values["weeks"] - 1) + values["horizon_days"])
        if end > timezone.localdate():
            errors["start"] = _(
                "The last test window would end after today: choose an earlier start or fewer weeks."
            )
    if not errors:
        pending = BacktestRun.objects.filter(
            created_by=acting_user, status__in=[BacktestRun.QUEUED, BacktestRun.RUNNING]
        ).count()
        if pending >= MAX_PENDING_BACKTESTS:
            errors["__all__"] = _("You already have %(n)s backtests waiting; wait for them to finish.") % {
                "n": pending
            }
    if errors:
        raise ValidationError(errors)
    params = {
        "start": start.isoformat(),
        "weeks": values["weeks"],
        "horizon_days": values["horizon_days"],
        "cell": values["cell"],
        "method": method,
    }
    run = BacktestRun.objects.create(unit=unit, category=category, params=params, created_by=acting_user)
    audit.record(
        "analytics.start_backtest",
        actor=acting_user,
        obj=run,
        unit=unit,
        extra={"category": category, **params},
    )
    from jingmin.analytics.tasks import run_backtest

    transaction.on_commit(lambda: run_backtest.enqueue(run.pk))
    return run


def backtest_argv(run):
    p = run.params
    return [
        "--category",
        run.category,
        "--start",
        p["start"],
        "--weeks",
        str(p["weeks"]),
        "--horizon-days",
        f"{p['horizon_days']:g}",
        "--cell",
        f"{p['cell']:g}",
        "--method",
        p["method"],
        "--tz",
        BACKTEST_TZ,
    ]


def complete_backtest(run_id):
    """Run a queued backtest (the task's body): the engine on the unit's incidents, then the result stored.

    Success: the ``Evaluation`` is stored (its own audit event) and linked; failure: the engine's message
    is kept on the run (one audit event). A run that is not queued is left alone.
    """
    from jingmin.analytics.evaluation import evaluate_unit, store_evaluation

    updated = BacktestRun.objects.filter(pk=run_id, status=BacktestRun.QUEUED).update(
        status=BacktestRun.RUNNING
    )
    if not updated:
        return None
    run = BacktestRun.objects.select_related("unit", "created_by").get(pk=run_id)
    argv = backtest_argv(run)
    try:
        code, out, err, _evaluation = evaluate_unit(run.unit, [*argv, "--json"], store=False)
    except Exception as exc:  # an engine crash must not leave the run "running" for ever
        code, out, err = 1, "", f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        run = BacktestRun.objects.select_for_update().get(pk=run_id)
        run.finished_at = timezone.now()
        if code == 0:
            run.evaluation = store_evaluation(
                run.unit, argv, json.loads(out), acting_user=run.created_by, source=f"backtest:{run.pk}"
            )
            run.status = BacktestRun.DONE
            run.save(update_fields=["status", "evaluation", "finished_at"])
        else:
            run.status = BacktestRun.FAILED
            run.error = (err.strip() or out.strip() or f"exit status {code}")[-2000:]
            run.save(update_fields=["status", "error", "finished_at"])
            audit.record(
                "analytics.backtest_failed",
                actor=run.created_by,
                obj=run,
                unit=run.unit,
                extra={"error": run.error[:300]},
            )
    return run
