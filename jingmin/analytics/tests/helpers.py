"""Shared helpers for the analytics tests: CSV text and points inside known beats."""

import datetime as dt

from django.utils import timezone

HEADER = "id,occurred_at,lat,lon,category,address,unit,source"


def point_in(beat):
    """(lat, lon) of a point inside the beat's first village (its representative point)."""
    v = beat.villages.order_by("code").first()
    return v.centroid_lat, v.centroid_lon


def when(days_ago=1.0, now=None):
    now = now or timezone.now()
    return (
        (now - dt.timedelta(days=days_ago))
        .astimezone(dt.timezone(dt.timedelta(hours=8)))
        .replace(microsecond=0)
    )


def csv_text(rows, header=HEADER):
    lines = [header]
    for r in rows:
        lines.append(",".join(str(v) for v in r))
    return "\n".join(lines) + "\n"


def row(rid, beat, category="burglary", days_ago=1.0, address="", unit="", source="test", dlat=0.0, dlon=0.0):
    lat, lon = point_in(beat)
    return (
        rid,
        when(days_ago).isoformat(),
        f"{lat + dlat:.6f}",
        f"{lon + dlon:.6f}",
        category,
        address,
        unit,
        source,
    )
