"""Where a point is: the village and the owning unit (its beat), refusing points outside Tainan."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jingmin.geo.assign import village_index
from jingmin.geo.proj import TAINAN_BBOX
from jingmin.org.models import Unit, Village


def unit_for_village(village):
    """The beat of a village, or (before beats exist) the precinct of its district."""
    if village.beat_id:
        return village.beat
    return Unit.objects.filter(kind=Unit.Kind.PRECINCT, districts=village.district_id).first()


def locate(lat, lon, field="lat"):
    """(village, unit) of a WGS84 point; ValidationError on the ``field`` when it is not in Tainan."""
    if lat in (None, "") or lon in (None, ""):
        raise ValidationError({field: _("Pick a point on the map (latitude and longitude).")})
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Latitude and longitude must be numbers.")})
    lon_min, lat_min, lon_max, lat_max = TAINAN_BBOX
    code = None
    if lon_min <= lon <= lon_max and lat_min <= lat <= lat_max:
        code = village_index().codes_for([lon], [lat])[0]
    if code is None:
        raise ValidationError({field: _("This point is outside Tainan.")})
    village = Village.objects.select_related("beat", "district").get(code=code)
    unit = unit_for_village(village)
    if unit is None:
        raise ValidationError({field: _("No unit covers this village yet.")})
    return village, unit


def locate_values(lat, lon, field="lat"):
    """Like :func:`locate`, also giving the coordinates as floats: (village, unit, lat, lon)."""
    village, unit = locate(lat, lon, field)
    return village, unit, float(lat), float(lon)
