"""Writes of the analytics app besides the incident import (``importer.py``): validated, audited, atomic.

- ``acknowledge_alert``: a beat officer acknowledges a near-repeat alert of their beat; it then leaves
  the home-page box (it stays on the alerts page and in the API, marked as acknowledged).
- ``start_backtest`` / ``complete_backtest``: a backtest started from the evaluation page (or
  ``POST /api/v1/analytics/backtests``) is stored as a ``BacktestRun`` and run by a django_tasks task;
  when done its ``Evaluation`` is stored and shown.
- ``save_warning_setting``: a station switches near-repeat warnings to the community on or off.
- ``warn_community``: the task body that sends those warnings through the messaging service, once per
  (alert, station), on behalf of the station chief.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.analytics.engine.forecast import FORECASTERS
from jingmin.analytics.models import (
    BacktestRun,
    IncidentCategory,
    NearRepeatAlert,
    NearRepeatWarning,
    NearRepeatWarningSetting,
)
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
    elif unit.kind == Unit.Kind.BEAT:
        errors["unit"] = _("Choose a station, a precinct or the bureau (a beat is too small for a backtest).")
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


def fail_backtest(run_id, error):
    """Mark a queued or running backtest failed with ``error`` (its worker was lost); one audit event."""
    with transaction.atomic():
        run = (
            BacktestRun.objects.select_for_update()
            .filter(pk=run_id, status__in=[BacktestRun.QUEUED, BacktestRun.RUNNING])
            .first()
        )
        if run is None:
            return None
        run.status = BacktestRun.FAILED
        run.error = error[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        audit.record(
            "analytics.backtest_failed", actor=None, obj=run, unit=run.unit, extra={"error": run.error[:300]}
        )
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


# ---------------------------------------------------------------------------- community warnings

WARNING_TEMPLATE = "near-repeat-burglary"
WARNING_TAG = "watch-team"
WARNING_SOURCE = "near-repeat"


def station_chief(station):
    """The active user with the station-chief role posted at ``station``, or None."""
    from jingmin.org.models import Officer

    officer = (
        Officer.objects.filter(unit=station, user__is_active=True, user__groups__name=roles.STATION_CHIEF)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return officer.user if officer is not None else None


def manageable_stations(user):
    """The stations whose warning setting ``user`` may change (none without the capability)."""
    if not roles.can(user, "analytics.manage_warnings"):
        return Unit.objects.none()
    return Unit.objects.visible_to(user).filter(kind=Unit.Kind.STATION)


def readable_stations(user):
    """The stations whose warning setting ``user`` may read: those of their jurisdiction, and a beat
    officer's own station (whose chief warns the beat's community)."""
    from django.db.models import Q

    from jingmin.org.scoping import user_unit

    stations = Unit.objects.visible_to(user).filter(kind=Unit.Kind.STATION)
    unit = user_unit(user)
    if unit is not None and unit.kind == Unit.Kind.BEAT and unit.parent_id:
        stations = Unit.objects.filter(Q(pk__in=stations.values("pk")) | Q(pk=unit.parent_id))
    return stations.order_by("path")


def readable_settings(user):
    """``[(station, setting or None)]`` for the stations ``user`` may read (one query for the settings)."""
    stations = list(readable_stations(user))
    by_station = {
        s.unit_id: s
        for s in NearRepeatWarningSetting.objects.filter(unit__in=stations)
        .select_related("updated_by")
        .prefetch_related("tags")
    }
    return [(st, by_station.get(st.pk)) for st in stations]


@transaction.atomic
def save_warning_setting(*, acting_user, station, enabled, tags=()):
    """Switch a station's near-repeat warnings to the community on or off and choose extra tags.

    ``station`` is a code or Unit; a station out of the user's jurisdiction (or not a station) → Http404.
    ``tags`` are tag codes or Tags (neighbourhood-watch contacts are always warned). Bad values raise
    ValidationError by field and write nothing.
    """
    from jingmin.messaging.models import Tag

    if not roles.can(acting_user, "analytics.manage_warnings"):
        raise PermissionDenied(_("You do not have permission to do this."))
    code = station.code if isinstance(station, Unit) else str(station or "")
    station = manageable_stations(acting_user).filter(code=code).first()
    if station is None:
        raise Http404
    errors = {}
    if not isinstance(enabled, bool):
        errors["enabled"] = _("Choose on or off.")
    if tags is None:
        tags = []
    elif isinstance(tags, QuerySet):
        tags = list(tags)
    elif not isinstance(tags, (list, tuple, set)):
        errors["tags"] = _("Give a list of tag codes.")
        tags = []
    codes = [t.code if isinstance(t, Tag) else str(t).strip() for t in tags]
    chosen = list(Tag.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {t.code for t in chosen})
    if unknown and "tags" not in errors:
        errors["tags"] = _("Unknown tag: %(codes)s.") % {"codes": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    setting = NearRepeatWarningSetting.objects.get_or_create(unit=station)[0]
    setting.enabled = enabled
    setting.updated_by = acting_user
    setting.save()
    setting.tags.set(chosen)
    audit.record(
        "analytics.warning_setting",
        actor=acting_user,
        obj=setting,
        unit=station,
        extra={"enabled": enabled, "tags": sorted(t.code for t in chosen)},
    )
    return setting


def affected_villages(alerts):
    """The villages of each alert's beat within the alert's distance of its incident (sorted by code)."""
    from jingmin.analytics.nearrepeat import villages_within

    found = {}
    for alert in alerts:
        for village in villages_within(alert.incident.x, alert.incident.y, alert.distance_m).filter(
            beat_id=alert.unit_id
        ):
            found[village.code] = village
    return [found[c] for c in sorted(found)]


def warning_template(station):
    """The station's own ``near-repeat-burglary`` template, else the shared one (None if deleted)."""
    from jingmin.messaging.models import MessageTemplate

    qs = MessageTemplate.objects.filter(code=WARNING_TEMPLATE)
    return qs.filter(unit=station).first() or qs.filter(unit__isnull=True).first()


def warning_values(station, villages, until):
    """The template's values: villages (zh-Hant / English), the window's end (ROC / ISO date)."""
    from jingmin.org.dates import roc_date

    day = timezone.localtime(until).date()
    return {
        "station_en": station.name_en or station.name,
        "villages": "、".join(v.name for v in villages),
        "villages_en": ", ".join(v.name_en or v.name for v in villages),
        "until": roc_date(day),
        "until_en": day.isoformat(),
    }


def warning_audience(chief, station, villages, tags):
    """The active contacts the warning would reach (what the messaging service resolves, in advance)."""
    from jingmin.messaging.models import Contact

    return (
        Contact.objects.visible_to(chief, "messaging.send")
        .filter(
            status=Contact.Status.ACTIVE,
            channel__is_active=True,
            unit__path__startswith=station.path,
            tags__in=tags,
            village__in=villages,
        )
        .distinct()
    )


def warn_community(alert_ids):
    """Warn the community of each station that switched it on, for the alerts of one import.

    One campaign per station (the audience: the neighbourhood-watch contacts, plus the setting's tags,
    of the affected villages), sent with ``messaging.actions.send`` on behalf of the station chief. Every
    alert gets its ``warning`` once: a retried task or a re-import sends nothing more. No chief, nobody
    to reach or a refusal by the messaging service are recorded on the warning (and shown with the
    alert). Returns the warnings made.
    """
    from jingmin.messaging.campaigns import station_of

    by_station = {}
    for alert in NearRepeatAlert.objects.filter(pk__in=list(alert_ids), warning__isnull=True).select_related(
        "unit__parent"
    ):
        by_station.setdefault(station_of(alert.unit).pk, []).append(alert.pk)
    made = []
    for station_id, ids in sorted(by_station.items()):
        warning = _warn_station(station_id, ids)
        if warning is not None:
            made.append(warning)
    return made


@transaction.atomic
def _warn_station(station_id, alert_ids):
    from django.conf import settings
    from django.utils import translation

    from jingmin.messaging import actions as messaging
    from jingmin.messaging.models import Tag

    setting = (
        NearRepeatWarningSetting.objects.filter(unit_id=station_id, enabled=True)
        .select_related("unit")
        .first()
    )
    if setting is None:
        return None
    alerts = list(
        NearRepeatAlert.objects.select_for_update(of=("self",))
        .filter(pk__in=alert_ids, warning__isnull=True)
        .select_related("incident", "unit")
        .order_by("pk")
    )
    if not alerts:
        return None
    station = setting.unit
    villages = affected_villages(alerts)
    chief = station_chief(station)
    tags = list(Tag.objects.filter(code=WARNING_TAG)) + list(setting.tags.exclude(code=WARNING_TAG))
    warning = NearRepeatWarning(unit=station, sender=chief)
    template = warning_template(station)
    with translation.override(settings.LANGUAGE_CODE):
        if chief is None:
            warning.status = NearRepeatWarning.NO_CHIEF
            warning.note = _("The station has no chief: no message was sent to the community.")
        elif template is None:
            warning.status = NearRepeatWarning.FAILED
            warning.note = _("The message template %(code)s is missing.") % {"code": WARNING_TEMPLATE}
        elif not villages or not warning_audience(chief, station, villages, tags).exists():
            warning.status = NearRepeatWarning.NOBODY
            warning.note = _("No neighbourhood-watch contact is registered in the affected villages.")
        else:
            until = max(a.valid_until for a in alerts)
            try:
                warning.campaign = messaging.send(
                    acting_user=chief,
                    title=template.title,
                    template=template,
                    values=warning_values(station, villages, until),
                    units=[station],
                    tags=tags,
                    villages=villages,
                    source=WARNING_SOURCE,
                )
                warning.status = NearRepeatWarning.QUEUED
            except (ValidationError, PermissionDenied) as exc:
                warning.status = NearRepeatWarning.FAILED
                warning.note = " ".join(exc.messages if hasattr(exc, "messages") else [str(exc)])[:2000]
    warning.save()
    warning.villages.set(villages)
    NearRepeatAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(warning=warning)
    audit.record(
        "analytics.near_repeat_warning",
        actor=chief,
        obj=warning,
        unit=station,
        extra={
            "status": warning.status,
            "campaign": warning.campaign_id,
            "alerts": [a.pk for a in alerts],
            "villages": [v.code for v in villages],
            "tags": [t.code for t in tags],
        },
    )
    return warning
