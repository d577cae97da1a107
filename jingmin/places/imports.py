"""The places import (CSV/XLSX rows, see :mod:`jingmin.imports`)."""

from django.utils.translation import gettext_lazy

from jingmin.imports import ImportKind, register
from jingmin.places import actions

register(
    ImportKind(
        key="places",
        capability="places.import",
        title=gettext_lazy("Import places"),
        columns=["name", "category", "risk", "address", "lat", "lon", "description"],
        example=["某某茶室（範例）", "tea-shop", "2", "臺南市北區開元路1號", "23.0021", "120.2180", ""],
        validate=actions.validate,
        create=lambda user, data: actions.create_place(acting_user=user, data=data),
    )
)
