"""Geometry helpers the jurisdiction tree needs itself (the boundaries it loads); ``geo`` builds on them."""


def round_coords(geometry, digits=5):
    """A GeoJSON geometry dict with every coordinate rounded (5 digits ≈ 1 m): smaller files, same shape."""

    def _round(coords):
        if isinstance(coords, (int, float)):
            return round(coords, digits)
        return [_round(c) for c in coords]

    return {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}
