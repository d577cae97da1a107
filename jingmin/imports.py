"""Row-validated CSV/XLSX import, shared by every app.

An app declares what can be imported in its own ``importers.py``: a module-level ``IMPORTERS`` list of
:class:`Importer` (kind, capability, columns with an example row, a ``validate(user, row)`` that raises
``ValidationError`` and a ``create(user, row)`` that calls the app's action). This module finds them
through the app registry and does the rest the same way for all: read CSV (UTF-8, with or without BOM) or
XLSX, check the columns, validate every row first and report row, field and reason, write nothing while a
row is wrong unless "valid rows only" is asked, write in one transaction with one audit event, and serve
the import page and the template download.

The error types of a whole-file import (:class:`RowError`, :class:`ImportFailed`) live with the
jurisdiction import in ``org.importer`` (the floor below) and are re-exported here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.discover import app_modules
from jingmin.forms import ImportForm
from jingmin.org import roles
from jingmin.org.importer import ImportFailed, RowError

__all__ = ["ImportFailed", "Importer", "ImportReport", "RowError", "importer", "read_rows", "run_import"]


@dataclass(frozen=True)
class Importer:
    kind: str
    capability: str
    title: object  # a lazy translation
    columns: tuple
    example: tuple
    validate: object  # validate(user, row) -> None, raises ValidationError
    create: object  # create(user, row) -> object, through the app's action
    # columns whose value may appear once per file: column -> message with %(row)s (the first row)
    unique: dict = field(default_factory=dict)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list = field(default_factory=list)  # (row, field, message)

    @property
    def ok(self):
        return not self.errors


def importers():
    """{kind: Importer} of every installed app's ``importers.py``."""
    found = {}
    for label, module in app_modules("importers"):
        for item in getattr(module, "IMPORTERS", ()):
            if item.kind in found:
                raise ValueError(f"import kind {item.kind!r} declared twice (again by {label})")
            found[item.kind] = item
    return found


def importer(kind):
    try:
        return importers()[kind]
    except KeyError:
        raise Http404(_("No such import.")) from None


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


def run_import(kind, name, content, *, acting_user, valid_only=False):
    spec = importer(kind)
    roles.require(acting_user, spec.capability)
    report = ImportReport()
    try:
        rows = read_rows(name, content)
    except Exception:  # noqa: BLE001 - any unreadable file is one clear error
        report.errors.append((1, "-", _("The file could not be read as CSV (UTF-8) or XLSX.")))
        return report
    report.rows = len(rows)
    if rows:
        missing = [c for c in spec.columns if c not in rows[0][1]]
        if missing:
            report.errors.append((1, ", ".join(missing), _("Missing columns.")))
            return report
    good = []
    seen = {column: {} for column in spec.unique}
    for number, row in rows:
        try:
            spec.validate(acting_user, row)
        except ValidationError as exc:
            for f, errors in exc.message_dict.items():
                report.errors.extend((number, f, m) for m in errors)
            continue
        repeated = False
        for column, message in spec.unique.items():
            value = (row.get(column) or "").strip().upper()
            if value and value in seen[column]:
                report.errors.append((number, column, message % {"row": seen[column][value]}))
                repeated = True
            elif value:
                seen[column][value] = number
        if not repeated:
            good.append((number, row))
    if report.errors and not valid_only:
        return report
    with transaction.atomic():
        for _number, row in good:
            spec.create(acting_user, row)
        report.created = len(good)
        audit.record(
            f"{kind}.import",
            actor=acting_user,
            obj=(f"import.{kind}", name[:60]),
            extra={"rows": report.rows, "created": report.created, "errors": len(report.errors)},
        )
    return report


def template_file(kind, fmt="csv"):
    """(bytes, content type, file name) of the empty template with its example row."""
    spec = importer(kind)
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = kind
        ws.append(list(spec.columns))
        ws.append(list(spec.example))
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
    writer.writerow(spec.columns)
    writer.writerow(spec.example)
    return out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", f"{kind}-template.csv"


@login_required
def import_view(request, kind):
    """The import page of one kind: template downloads, the upload form and the row-by-row report."""
    spec = importer(kind)
    roles.require_page(request.user, spec.capability)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = run_import(
            kind,
            upload.name,
            upload.read(),
            acting_user=request.user,
            valid_only=form.cleaned_data["valid_only"],
        )
        if report.created:
            messages.success(request, _("Imported %(n)s rows.") % {"n": report.created})
    return render(
        request, "imports/import.html", {"form": form, "report": report, "kind": kind, "spec": spec}
    )


@login_required
def template_view(request, kind):
    spec = importer(kind)
    roles.require_page(request.user, spec.capability)
    content, ctype, name = template_file(kind, request.GET.get("format", "csv"))
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
