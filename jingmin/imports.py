"""CSV/XLSX import of places, households and persons: every row validated first (row numbers), then
written in one transaction; nothing is written when a row is wrong unless "valid rows only" is asked."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingmin.audit import log as audit
from jingmin.org import roles

TEMPLATES = {
    "places": {
        "capability": "places.import",
        "title": gettext_lazy("Import places"),
        "columns": ["name", "category", "risk", "address", "lat", "lon", "description"],
        "example": ["某某茶室（範例）", "tea-shop", "2", "臺南市北區開元路1號", "23.0021", "120.2180", ""],
    },
    "households": {
        "capability": "people.import",
        "title": gettext_lazy("Import households"),
        "columns": ["address", "lat", "lon", "notes"],
        "example": ["臺南市北區開元路1號", "23.0021", "120.2180", ""],
    },
    "persons": {
        "capability": "people.import",
        "title": gettext_lazy("Import persons"),
        "columns": [
            "kind", "category", "name", "national_id", "phone", "birth_date", "registered_address",
            "actual_address", "lat", "lon", "offence", "sentence_end", "parole_release", "parole_revoked_on", "notes",
        ],
        "example": [
            "concern", "theft", "範例姓名", "A123456789", "", "1980-01-01", "臺南市北區開元路1號",
            "臺南市北區開元路1號", "23.0021", "120.2180", "竊盜", "2025-06-30", "", "", "",
        ],
    },
}  # fmt: skip


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list = field(default_factory=list)  # (row, field, message)

    @property
    def ok(self):
        return not self.errors


def read_rows(name, content):
    """[(row number, {column: value})] from CSV (UTF-8, with or without BOM) or XLSX bytes."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h or "").strip() for h in rows[0]]
        out = []
        for number, row in enumerate(rows[1:], start=2):
            values = [
                "" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)) for v in row
            ]
            if any(v.strip() for v in values):
                out.append((number, dict(zip(header, values, strict=False))))
        return out
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    reader = csv.DictReader(io.StringIO(text))
    return [
        (n, {k.strip(): (v or "").strip() for k, v in row.items() if k})
        for n, row in enumerate(reader, start=2)
    ]


def _validator(kind):
    if kind == "places":
        from jingmin.places.actions import create_place, validate

        return validate, lambda user, data: create_place(acting_user=user, data=data)
    if kind == "households":
        from jingmin.people.actions import create_household, validate_household

        return validate_household, lambda user, data: create_household(acting_user=user, data=data)
    from jingmin.people.actions import create_person, validate_person

    return validate_person, lambda user, data: create_person(acting_user=user, data=data)


def run_import(kind, name, content, *, acting_user, valid_only=False):
    spec = TEMPLATES[kind]
    if not roles.can(acting_user, spec["capability"]):
        raise PermissionDenied(_("You do not have permission to do this."))
    report = ImportReport()
    try:
        rows = read_rows(name, content)
    except Exception:  # noqa: BLE001 - any unreadable file is one clear error
        report.errors.append((1, "-", _("The file could not be read as CSV (UTF-8) or XLSX.")))
        return report
    report.rows = len(rows)
    if rows:
        missing = [c for c in spec["columns"] if c not in rows[0][1]]
        if missing:
            report.errors.append((1, ", ".join(missing), _("Missing columns.")))
            return report
    validate, create = _validator(kind)
    good = []
    seen_ids = {}
    for number, row in rows:
        try:
            validate(acting_user, row)
        except ValidationError as exc:
            for f, messages in exc.message_dict.items():
                report.errors.extend((number, f, m) for m in messages)
            continue
        nid = (row.get("national_id") or "").strip().upper()
        if nid and nid in seen_ids:
            report.errors.append(
                (number, "national_id", _("Same ID number as row %(row)s.") % {"row": seen_ids[nid]})
            )
            continue
        if nid:
            seen_ids[nid] = number
        good.append((number, row))
    if report.errors and not valid_only:
        return report
    with transaction.atomic():
        for _number, row in good:
            create(acting_user, row)
        report.created = len(good)
        audit.record(
            f"{kind}.import",
            actor=acting_user,
            obj=(f"import.{kind}", name[:60]),
            extra={"rows": report.rows, "created": report.created, "errors": len(report.errors)},
        )
    return report


def template_file(kind, fmt="csv"):
    spec = TEMPLATES[kind]
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = kind
        ws.append(spec["columns"])
        ws.append(spec["example"])
        buf = io.BytesIO()
        wb.save(buf)
        return (
            buf.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{kind}-template.xlsx",
        )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(spec["columns"])
    writer.writerow(spec["example"])
    return out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", f"{kind}-template.csv"
