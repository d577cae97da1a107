"""GeoJSON geometry helpers the jurisdiction tree needs (boundaries stored rounded)."""


def round_coords(geometry, digits=5):
    def _round(coords):
        if isinstance(coords, (int, float)):
            return round(coords, digits)
        return [_round(c) for c in coords]

    return {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}
