"""The households and persons imports (CSV/XLSX rows, see :mod:`jingmin.imports`)."""

from django.utils.translation import gettext_lazy

from jingmin.imports import ImportKind, register
from jingmin.people import actions

register(
    ImportKind(
        key="households",
        capability="people.import",
        title=gettext_lazy("Import households"),
        columns=["address", "lat", "lon", "notes"],
        example=["臺南市北區開元路1號", "23.0021", "120.2180", ""],
        validate=actions.validate_household,
        create=lambda user, data: actions.create_household(acting_user=user, data=data),
    )
)

register(
    ImportKind(
        key="persons",
        capability="people.import",
        title=gettext_lazy("Import persons"),
        columns=[
            "kind", "category", "name", "national_id", "phone", "birth_date", "registered_address",
            "actual_address", "lat", "lon", "offence", "sentence_end", "parole_release", "parole_revoked_on", "notes",
        ],
        example=[
            "concern", "theft", "範例姓名", "A123456789", "", "1980-01-01", "臺南市北區開元路1號",
            "臺南市北區開元路1號", "23.0021", "120.2180", "竊盜", "2025-06-30", "", "", "",
        ],
        validate=actions.validate_person,
        create=lambda user, data: actions.create_person(acting_user=user, data=data),
        unique="national_id",
    )
)  # fmt: skip
