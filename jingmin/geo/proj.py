"""Projections: WGS84 (EPSG:4326) for storage, TWD97 / TM2 zone 121 (EPSG:3826) for distances."""

from functools import lru_cache

import numpy as np
from pyproj import Transformer

WGS84 = "EPSG:4326"
TWD97 = "EPSG:3826"

# Tainan's extent with a margin (WGS84); a point outside is "outside Tainan".
TAINAN_BBOX = (119.95, 22.85, 120.70, 23.45)  # lon_min, lat_min, lon_max, lat_max


@lru_cache(maxsize=16)
def transformer(src, dst):
    return Transformer.from_crs(src, dst, always_xy=True)


def to_twd97(lon, lat):
    """Longitude/latitude (scalars or arrays) → metres in EPSG:3826."""
    x, y = transformer(WGS84, TWD97).transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return x, y


def to_wgs84(x, y):
    lon, lat = transformer(TWD97, WGS84).transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return lon, lat


def valid_lonlat(lon, lat):
    return -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0
