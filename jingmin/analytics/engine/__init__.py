"""Jingmin analytics engine: pure numpy/scipy spatial statistics (no Django imports).

Conventions (see docs/analytics.md):

* coordinates are projected metres (x east, y north), e.g. EPSG:3826 (TWD97 / TM2 121) in Taiwan;
* a grid is ``Grid(origin=(x0, y0), cell=metres, shape=(ny, nx))``; row ``i`` grows northwards,
  column ``j`` eastwards, and cell ``(i, j)`` has its centre at ``(x0 + (j + .5) * cell, y0 + (i + .5) * cell)``;
* times are float days since 1970-01-01T00:00Z (``numpy.datetime64`` arrays are accepted and converted).

Modules: ``kde`` (grid_kde), ``gistar`` (gi_star), ``forecast`` (Forecaster and methods), ``evaluate``
(rolling-origin backtest, incident CSV reader, command line), ``knox`` (near-repeat test), ``grid``
(grids, validation, projection choice), ``errors`` (EngineError).
"""

from .errors import EngineError
from .grid import Grid, choose_crs, project

__all__ = ["EngineError", "Grid", "choose_crs", "project"]
