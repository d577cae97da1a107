"""Incident import: every row validated, valid rows upserted by ``id`` (re-importing never duplicates).

CSV columns ``id, occurred_at, lat, lon, category`` (ISO 8601 with a UTC offset; WGS84 degrees), optional
``address, unit, source``. A row is valid when its id is present and unique in the file, its time parses
with an offset and is not in the future, its coordinates are numbers inside Tainan (inside one of the
city's villages), its category is a known active category (code, Chinese or English name) and its optional
``unit`` is a known unit code. Each incident is assigned to the village holding the point and to that
village's beat.

By default nothing is written when any row is bad; with ``valid_only=True`` the valid rows are written
and the bad ones reported. Everything happens in one transaction, with one audit event per import that
writes. Storage: on PostgreSQL the file is read and validated in chunks (``FIRST_CHUNK_ROWS``, then
``CHUNK_ROWS``) and a writer thread stores chunk n — ``COPY`` into a temporary table, then ``INSERT … ON
CONFLICT (external_id) DO UPDATE … WHERE changed`` — on the same connection and transaction while the
main thread validates chunk n+1; a bad row found later rolls the transaction back, so nothing is written.
On SQLite the whole file is validated first, then written with a batched ``executemany`` of the same upsert.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import queue
import sys
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.analytics.models import Incident, IncidentCategory
from jingmin.analytics.nearrepeat import alerts_for_incidents
from jingmin.audit import log as audit
from jingmin.geo.assign import village_index
from jingmin.geo.proj import TAINAN_BBOX, to_twd97
from jingmin.imports import RowError
from jingmin.org import roles
from jingmin.org.models import Unit, Village
from jingmin.org.scoping import user_unit

REQUIRED = ("id", "occurred_at", "lat", "lon", "category")
OPTIONAL = ("address", "unit", "source")
MAX_REPORTED_ERRORS = 1000
MAX_ID = 64
EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
_SQLITE_BATCH = 5000
CHUNK_ROWS = 25_000  # PostgreSQL: rows per chunk handed to the writer thread
FIRST_CHUNK_ROWS = 5_000  # a small first chunk lets the database start early
SQLITE_CHUNK_ROWS = None  # SQLite validates the whole file at once (tests set a size to exercise chunks)


@dataclass
class ImportReport:
    filename: str = ""
    rows: int = 0
    valid: int = 0
    bad_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    valid_only: bool = False
    alerts: int = 0
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.bad_rows == 0

    def as_dict(self):
        return {
            "file": self.filename,
            "rows": self.rows,
            "valid": self.valid,
            "bad_rows": self.bad_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "written": self.written,
            "valid_only": self.valid_only,
            "alerts": self.alerts,
            "errors": [{"line": e.line, "field": e.field, "reason": str(e.reason)} for e in self.errors],
        }


def _text(source):
    if isinstance(source, bytes):
        return source.decode("utf-8-sig")
    if isinstance(source, str):
        return source[1:] if source.startswith("\ufeff") else source
    data = source.read()
    return _text(data)


def category_lookup():
    """Casefolded code / Chinese name / English name → (category id, near_repeat) of active categories."""
    out = {}
    for cat in IncidentCategory.objects.filter(active=True):
        for key in (cat.code, cat.name, cat.name_en):
            if key:
                out.setdefault(key.strip().casefold(), (cat.pk, cat.near_repeat))
    return out


class _Errors:
    def __init__(self, report):
        self.report = report
        self.bad_lines = set()

    def add(self, line, field_name, reason):
        if line not in self.bad_lines:
            self.bad_lines.add(line)
            self.report.bad_rows += 1
        if len(self.report.errors) < MAX_REPORTED_ERRORS:
            self.report.errors.append(RowError(line, field_name, reason))


def import_incidents(
    source, *, acting_user=None, filename="incidents.csv", valid_only=False, demo=False, now=None
) -> ImportReport:
    """Validate and upsert incidents from CSV text (str, bytes or a file object). See the module docstring.

    ``acting_user=None`` is the system (command line, demo): every point in Tainan is accepted. A user
    needs ``analytics.import_incidents`` and may only import points inside their jurisdiction.
    """
    t0 = time.perf_counter()
    if acting_user is not None and not roles.can(acting_user, "analytics.import_incidents"):
        raise PermissionDenied(_("You do not have permission to do this."))
    report = ImportReport(filename=filename, valid_only=valid_only)
    errors = _Errors(report)
    now = now or timezone.now()
    try:
        text = _text(source)
    except UnicodeDecodeError:
        errors.add(1, "-", _("The file is not UTF-8 text."))
        return report
    pipelined = connection.vendor == "postgresql"
    step = CHUNK_ROWS if pipelined else (SQLITE_CHUNK_ROWS or sys.maxsize)
    read = _read(text, errors, report, (min(FIRST_CHUNK_ROWS, step), step))
    if read is None:
        report.seconds = time.perf_counter() - t0
        return report
    col, chunks = read
    phases = report.phases
    phases["parse"] = time.perf_counter() - t0
    phases["locate"] = 0.0
    ctx = _Context(now)
    with transaction.atomic():
        sink = _PostgresSink(ctx, demo) if pipelined else _SqliteSink(ctx, demo)
        try:
            while True:
                t = time.perf_counter()
                chunk = next(chunks, None)
                if chunk is None:
                    phases["parse"] += time.perf_counter() - t
                    break
                parsed = _validate(*chunk, col, ctx, errors)
                t1 = time.perf_counter()
                _locate(parsed, errors, acting_user, ctx)
                phases["parse"] += t1 - t
                phases["locate"] += time.perf_counter() - t1
                keep = parsed["ok"]
                report.valid += int(keep.sum())
                # once a row is bad (and only valid rows are not asked for) nothing will be kept:
                # validation goes on for the report, storing stops
                if keep.any() and (valid_only or not report.bad_rows):
                    sink.put(parsed, keep)
        except BaseException:
            sink.abort()
            raise
        report.errors.sort(key=lambda e: e.line)
        if (report.bad_rows and not valid_only) or report.valid == 0:
            sink.abort()
            transaction.set_rollback(True)  # undoes any chunk already stored: nothing is written
            report.seconds = time.perf_counter() - t0
            return report
        t = time.perf_counter()
        created, updated, candidates = sink.finish()
        phases["store"] = time.perf_counter() - t
        if pipelined:
            phases["db_busy"] = sink.busy  # storing time overlapped with parsing
        report.created, report.updated = created, updated
        report.unchanged = report.valid - created - updated
        report.written = True
        report.alerts = alerts_for_incidents(candidates, now=now)
        audit.record(
            "analytics.import_incidents",
            actor=acting_user,
            obj=("analytics.incident", "import"),
            unit=user_unit(acting_user) if acting_user is not None else None,
            extra={
                "file": filename,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "bad_rows": report.bad_rows,
                "valid_only": valid_only,
                "alerts": report.alerts,
            },
        )
    report.seconds = time.perf_counter() - t0
    return report


class _Context:
    """Look-ups shared by the chunks of one import (read once), and the ids seen so far in the file."""

    def __init__(self, now):
        self.now = now
        self.cats = category_lookup()
        self.nr_ids = {pk for pk, nr in self.cats.values() if nr}
        self.seen = {}
        self.cutoff = _nr_cutoff(now)
        self._known_units = None
        self.index = village_index()
        self._villages = None
        self._allowed = {}

    @property
    def known_units(self):
        if self._known_units is None:
            self._known_units = set(Unit.objects.values_list("code", flat=True))
        return self._known_units

    def villages(self, index):
        """Village and beat ids in the order of the village index's codes."""
        if self._villages is None:
            rows = {c: (v, b) for c, v, b in Village.objects.values_list("code", "id", "beat_id")}
            self._villages = (
                np.asarray([rows.get(c, (-1, None))[0] for c in index.codes], dtype=np.int64),
                np.asarray([rows.get(c, (-1, None))[1] or -1 for c in index.codes], dtype=np.int64),
            )
        return self._villages

    def allowed(self, unit):
        key = unit.pk if unit else None
        if key not in self._allowed:
            self._allowed[key] = np.asarray(
                sorted(Unit.objects.filter(path__startswith=unit.path).values_list("id", flat=True))
                if unit
                else [],
                dtype=np.int64,
            )
        return self._allowed[key]


# ------------------------------------------------------------------------------------------- parsing
def _when(s, fromiso=dt.datetime.fromisoformat):
    try:
        w = fromiso(s)
    except ValueError:
        return None
    if w.tzinfo is None:
        return False
    return w.timestamp()


def _read(text, errors, report, sizes):
    """The header's columns and a generator of data-row chunks ``(rows, lines)`` read as they are needed
    (chunk sizes from ``sizes``); rows of the wrong width are reported and left out. None on a bad header.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        errors.add(1, "-", _("The file is empty: expected a header line id,occurred_at,lat,lon,category."))
        return None
    except csv.Error as exc:
        errors.add(1, "-", str(exc))
        return None
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        errors.add(1, "-", _("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)})
        return None
    col = {c: names.index(c) for c in REQUIRED + OPTIONAL if c in names}
    return col, _chunks(reader, len(names), errors, report, iter(sizes))


def _chunks(reader, width, errors, report, sizes):
    add = errors.add
    rows, lines, total, broken = [], [], 0, False
    size = next(sizes)
    try:
        for row in reader:
            if row and (len(row) > 1 or row[0].strip()):
                total += 1
                if len(row) < width:
                    add(
                        reader.line_num,
                        "-",
                        _("Expected %(n)s fields, found %(m)s.") % {"n": width, "m": len(row)},
                    )
                    continue
                rows.append(row)
                lines.append(reader.line_num)
                if len(rows) >= size:
                    yield rows, lines
                    rows, lines, size = [], [], next(sizes, size)
    except csv.Error as exc:
        add(reader.line_num, "-", str(exc))
        broken = True
    report.rows = total + (1 if broken else 0)
    if total == 0 and not broken:
        add(1, "-", _("The file holds no incidents after the header."))
    if rows:
        yield rows, lines


def _validate(rows, lines, col, ctx, errors):
    """Column-wise validation of one chunk: the common case costs a few list comprehensions per column."""
    add = errors.add
    now = ctx.now
    n = len(rows)
    ok = np.ones(n, dtype=bool)
    line_arr = np.asarray(lines, dtype=np.int64)
    cols = list(zip(*rows, strict=False))

    # id: present, short enough, unique in the file (``ctx.seen`` holds the earlier chunks' ids)
    ids = [v.strip() for v in cols[col["id"]]]
    seen = ctx.seen
    if len(set(ids)) != n or not all(ids) or max(map(len, ids)) > MAX_ID or not seen.keys().isdisjoint(ids):
        for k, rid in enumerate(ids):
            if not rid:
                add(lines[k], "id", _("This field is required."))
                ok[k] = False
            elif len(rid) > MAX_ID:
                add(lines[k], "id", _("At most %(n)s characters.") % {"n": MAX_ID})
                ok[k] = False
            elif rid in seen:
                add(
                    lines[k], "id", _("The id %(id)s repeats line %(line)s.") % {"id": rid, "line": seen[rid]}
                )
                ok[k] = False
            else:
                seen[rid] = lines[k]
    else:
        seen.update(zip(ids, lines, strict=True))

    # occurred_at: ISO 8601 with an offset, not in the future, not before 1990
    raw_when = cols[col["occurred_at"]]
    stamps = [_when(v) for v in raw_when]
    lo, hi = EARLIEST.timestamp(), (now + dt.timedelta(hours=1)).timestamp()
    ts = np.asarray([v if v.__class__ is float else np.nan for v in stamps], dtype=float)
    bad_t = ~((ts >= lo) & (ts <= hi))
    for k in np.flatnonzero(bad_t):
        v, text_v = stamps[k], raw_when[k].strip()[:40]
        if v is None:
            add(lines[k], "occurred_at", _("“%(v)s” is not an ISO 8601 date-time.") % {"v": text_v})
        elif v is False:
            add(lines[k], "occurred_at", _("“%(v)s” has no UTC offset (write e.g. +08:00).") % {"v": text_v})
        else:
            add(lines[k], "occurred_at", _("“%(v)s” is in the future or before 1990.") % {"v": text_v})
    ok &= ~bad_t

    # lat/lon: numbers in range (inside Tainan is checked with the villages)
    lat_text, lon_text = cols[col["lat"]], cols[col["lon"]]
    lat, lon = _floats(lat_text), _floats(lon_text)
    bad_c = ~((np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0))
    for k in np.flatnonzero(bad_c):
        if np.isnan(lat[k]) or np.isnan(lon[k]):
            add(lines[k], "lat/lon", _("Latitude and longitude must be numbers."))
        else:
            add(lines[k], "lat/lon", _("Coordinates out of range (latitude ±90, longitude ±180)."))
    ok &= ~bad_c

    # category: a known active category (code, Chinese or English name, any case)
    cats = ctx.cats
    found = [cats.get(v.strip().casefold()) for v in cols[col["category"]]]
    cat = np.asarray([f[0] if f else -1 for f in found], dtype=np.int64)
    for k in np.flatnonzero(cat < 0):
        v = cols[col["category"]][k].strip()
        add(
            lines[k],
            "category",
            (_("Unknown category “%(v)s”.") % {"v": v[:40]}) if v else _("This field is required."),
        )
    ok &= cat >= 0

    # optional columns
    empty = [""] * n
    units = [v.strip() for v in cols[col["unit"]]] if "unit" in col else empty
    if any(units):
        known = ctx.known_units
        for k, code in enumerate(units):
            if code and code not in known:
                add(lines[k], "unit", _("Unknown unit “%(v)s”.") % {"v": code[:40]})
                ok[k] = False
    address = [v.strip()[:200] for v in cols[col["address"]]] if "address" in col else empty
    source = [v.strip()[:60] for v in cols[col["source"]]] if "source" in col else empty
    us = np.round(np.nan_to_num(ts) * 1e6).astype(np.int64)
    return {
        "lines": line_arr,
        "ids": ids,
        "us": us,
        "lat": lat,
        "lon": lon,
        "lat_text": lat_text,
        "lon_text": lon_text,
        "cat": cat,
        "address": address,
        "unit": units,
        "source": source,
        "ok": ok,
    }


def _floats(values):
    try:
        return np.asarray(values, dtype=float)
    except ValueError:
        out = np.empty(len(values))
        for k, v in enumerate(values):
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = np.nan
        return out


def _locate(parsed, errors, acting_user, ctx):
    """Inside Tainan, the village and beat of each point (vectorised), and the user's jurisdiction."""
    lon, lat, ok, lines = parsed["lon"], parsed["lat"], parsed["ok"], parsed["lines"]
    n = len(lon)
    parsed["village"] = np.full(n, -1, dtype=np.int64)
    parsed["beat"] = np.full(n, -1, dtype=np.int64)
    x0, y0, x1, y1 = TAINAN_BBOX
    with np.errstate(invalid="ignore"):
        in_box = ok & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    index = ctx.index  # read once per import: no query while the writer holds the connection
    pos = np.full(n, -1, dtype=np.int64)
    if in_box.any():
        pos[in_box] = index.assign(lon[in_box], lat[in_box])
    v_ids, b_ids = ctx.villages(index)
    found = pos >= 0
    parsed["village"][found] = v_ids[pos[found]]
    parsed["beat"][found] = b_ids[pos[found]]
    for k in np.flatnonzero(ok & ~found):
        errors.add(int(lines[k]), "lat/lon", _("The point is not inside Tainan."))
    ok &= found
    for k in np.flatnonzero(ok & (parsed["beat"] < 0)):
        errors.add(int(lines[k]), "lat/lon", _("The village holding the point has no beat."))
    ok &= parsed["beat"] >= 0
    if acting_user is not None and not acting_user.is_superuser:
        unit = user_unit(acting_user)
        allowed = ctx.allowed(unit)
        outside = ok & ~np.isin(parsed["beat"], allowed)
        for k in np.flatnonzero(outside):
            errors.add(int(lines[k]), "lat/lon", _("The point lies outside your jurisdiction."))
        ok &= ~outside
        # an id already stored outside the jurisdiction cannot be overwritten from here
        ids = [parsed["ids"][k] for k in np.flatnonzero(ok)]
        foreign = set()
        for a in range(0, len(ids), 5000):
            q = Incident.objects.filter(external_id__in=ids[a : a + 5000])
            if unit is not None:
                q = q.exclude(unit__path__startswith=unit.path)
            foreign.update(q.values_list("external_id", flat=True))
        for k in np.flatnonzero(ok):
            if parsed["ids"][k] in foreign:
                errors.add(
                    int(lines[k]), "id", _("This id belongs to an incident outside your jurisdiction.")
                )
                ok[k] = False
    x, y = to_twd97(np.where(ok, lon, 120.2), np.where(ok, lat, 23.0))
    parsed["x"] = np.round(np.asarray(x, dtype=float), 2)
    parsed["y"] = np.round(np.asarray(y, dtype=float), 2)


def _utc_strings(us, sqlite):
    """Microseconds since the epoch → UTC strings (PostgreSQL: ISO with +00; SQLite: Django's format)."""
    whole = us % 1_000_000 == 0
    secs = np.datetime_as_string(us.astype("datetime64[us]").astype("datetime64[s]"), unit="s")
    micro = np.datetime_as_string(us.astype("datetime64[us]"), unit="us")
    out = np.where(whole, secs, micro)
    if sqlite:
        return [v.replace("T", " ") for v in out.tolist()]
    return [v + "+00" for v in out.tolist()]


def _columns(parsed, keep, sqlite):
    """The kept rows as columns, in the order of ``_COLS``."""
    idx = np.flatnonzero(keep)
    pick = idx.tolist()
    ids, address, unit, source = parsed["ids"], parsed["address"], parsed["unit"], parsed["source"]
    return [
        [ids[k] for k in pick],
        _utc_strings(parsed["us"][idx], sqlite),
        parsed["cat"][idx].tolist(),
        [parsed["lat_text"][k].strip() for k in pick],  # validated numbers, written as given
        [parsed["lon_text"][k].strip() for k in pick],
        parsed["x"][idx].tolist(),
        parsed["y"][idx].tolist(),
        [address[k] for k in pick],
        parsed["beat"][idx].tolist(),
        parsed["village"][idx].tolist(),
        [unit[k] for k in pick],
        [source[k] for k in pick],
    ], parsed["us"][idx]


_COLS = "external_id, occurred_at, category_id, lat, lon, x, y, address, unit_id, village_id, reported_unit, source"
_UPDATE = ("occurred_at", "category_id", "lat", "lon", "x", "y", "address", "unit_id", "village_id")
_UPDATE += ("reported_unit", "source")


def _nr_cutoff(now):
    from jingmin.analytics.models import NearRepeatTest

    days = (
        NearRepeatTest.objects.filter(days__isnull=False)
        .order_by("-days")
        .values_list("days", flat=True)
        .first()
    )
    return (now - dt.timedelta(days=float(days))) if days else None


def _copy_bytes(parsed, keep):
    """The kept rows of a chunk as COPY csv bytes."""
    cols, _us = _columns(parsed, keep, sqlite=False)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(zip(*cols, strict=True))
    return buf.getvalue().encode()


class _PostgresSink:
    """Stores chunks on PostgreSQL in a writer thread while the main thread validates the next chunk.

    The thread uses the request's own database connection (psycopg serialises its use with a lock), so
    every chunk is part of the import's one transaction: a bad row found later, or any error, rolls all
    of it back. Per chunk: ``COPY`` into a temporary table, then ``INSERT … ON CONFLICT (external_id) DO
    UPDATE … WHERE changed``. PostgreSQL runs in its own process, so with two cores the database work
    overlaps the Python parsing instead of following it.
    """

    def __init__(self, ctx, demo):
        connection.ensure_connection()
        self.raw = connection.connection  # the psycopg connection inside the current transaction
        self.ctx = ctx
        self.params = [
            demo,
            ctx.now,
            ctx.now,
            list(ctx.nr_ids) or [0],
            ctx.cutoff or ctx.now + dt.timedelta(days=1),
        ]
        self.created, self.updated, self.candidates = 0, 0, []
        self.busy = 0.0
        self.error = None
        self.aborted = False
        with connection.cursor() as cursor:
            # the import is one transaction; losing it in a crash just means importing the file again
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute("DROP TABLE IF EXISTS pg_temp.jm_incident_load")
            cursor.execute(
                "CREATE TEMP TABLE jm_incident_load (external_id text, occurred_at timestamptz,"
                " category_id bigint, lat float8, lon float8, x float8, y float8, address text,"
                " unit_id bigint, village_id bigint, reported_unit text, source text) ON COMMIT DROP"
            )
        self.queue = queue.Queue(maxsize=3)
        self.thread = threading.Thread(target=self._run, name="incident-import-writer", daemon=True)
        self.thread.start()

    def put(self, parsed, keep):
        if self.error is not None:
            raise self.error
        self.queue.put(_copy_bytes(parsed, keep))

    def _run(self):
        while (data := self.queue.get()) is not None:  # always drains up to the end marker
            if self.error is None and not self.aborted:
                try:
                    t = time.perf_counter()
                    self._store(data)
                    self.busy += time.perf_counter() - t
                except BaseException as exc:  # re-raised in the main thread
                    self.error = exc

    def _store(self, data):
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATE)
        changed = " OR ".join(f"analytics_incident.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in _UPDATE)
        with self.raw.cursor() as cur:
            with cur.copy(
                f"COPY jm_incident_load ({_COLS}) FROM STDIN"
                " (FORMAT csv, FORCE_NOT_NULL (address, reported_unit, source))"
            ) as copy:
                for a in range(0, len(data), 1 << 20):
                    copy.write(data[a : a + (1 << 20)])
            cur.execute(
                f"""WITH ins AS (
                    INSERT INTO analytics_incident ({_COLS}, is_demo, created_at, updated_at)
                    SELECT {_COLS}, %s, %s, %s FROM jm_incident_load
                    ON CONFLICT (external_id) DO UPDATE SET {sets}, updated_at = EXCLUDED.updated_at
                    WHERE {changed}
                    RETURNING id, (xmax = 0) AS inserted, category_id, occurred_at
                )
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
                       coalesce(array_agg(id) FILTER (WHERE inserted AND category_id = ANY(%s)
                                                      AND occurred_at >= %s), '{{}}')
                FROM ins""",
                self.params,
            )
            created, updated, candidates = cur.fetchone()
            cur.execute("TRUNCATE jm_incident_load")
        self.created += int(created)
        self.updated += int(updated)
        self.candidates.extend(candidates or [])

    def _stop(self):
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def abort(self):
        """Stop storing (the caller rolls the transaction back); a writer error is raised."""
        self.aborted = True
        self._stop()
        if self.error is not None:
            raise self.error

    def finish(self):
        """Wait for the stored chunks; (created, updated, new near-repeat candidate ids)."""
        self._stop()
        if self.error is not None:
            raise self.error
        return self.created, self.updated, self.candidates


class _SqliteSink:
    """SQLite: the chunks are stored after validation, in the main thread (one connection, one core)."""

    busy = 0.0

    def __init__(self, ctx, demo):
        self.ctx, self.demo, self.chunks = ctx, demo, []

    def put(self, parsed, keep):
        self.chunks.append((parsed, keep))

    def abort(self):
        self.chunks = []

    def finish(self):
        created = updated = 0
        candidates = []
        for parsed, keep in self.chunks:
            c, u, cand = _write_sqlite(parsed, keep, self.ctx, self.demo)
            created, updated = created + c, updated + u
            candidates.extend(cand)
        return created, updated, candidates


def _write_sqlite(parsed, keep, ctx, demo):
    now, cutoff = ctx.now, ctx.cutoff
    cols, us = _columns(parsed, keep, sqlite=True)
    ids = cols[0]
    existing = set()
    for a in range(0, len(ids), 900):
        existing.update(
            Incident.objects.filter(external_id__in=ids[a : a + 900]).values_list("external_id", flat=True)
        )
    stamp = str(now.astimezone(dt.UTC).replace(tzinfo=None))
    n = len(ids)
    cols += [[demo] * n, [stamp] * n, [stamp] * n]
    sets = ", ".join(f"{c} = excluded.{c}" for c in _UPDATE)
    changed = " OR ".join(f"analytics_incident.{c} IS NOT excluded.{c}" for c in _UPDATE)
    sql = (
        f"INSERT INTO analytics_incident ({_COLS}, is_demo, created_at, updated_at) "
        f"VALUES ({', '.join(['?'] * 15)}) "
        f"ON CONFLICT (external_id) DO UPDATE SET {sets}, updated_at = excluded.updated_at WHERE {changed}"
    )
    written = 0
    rows = list(zip(*cols, strict=True))
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the sqlite3 cursor: "?" placeholders, no per-row parameter rewriting
        for a in range(0, n, _SQLITE_BATCH):
            raw.executemany(sql, rows[a : a + _SQLITE_BATCH])
            written += max(raw.rowcount, 0)
    created = len(set(ids) - existing)
    candidates = []
    nr_ids = ctx.nr_ids
    if cutoff is not None and nr_ids:
        cut = int(cutoff.timestamp() * 1e6)
        new = [
            r[0]
            for r, t in zip(rows, us.tolist(), strict=True)
            if r[0] not in existing and r[2] in nr_ids and t >= cut
        ]
        for a in range(0, len(new), 900):
            candidates.extend(
                Incident.objects.filter(external_id__in=new[a : a + 900]).values_list("id", flat=True)
            )
    return created, written - created, candidates
