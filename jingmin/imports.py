"""CSV/XLSX import of rows (places, households, persons, …): every row validated first (row numbers),
then written in one transaction; nothing is written when a row is wrong unless "valid rows only" is asked.

Each app declares its kinds in its own ``imports.py`` with :func:`register`; :func:`import_view` and
:func:`import_template` are the pages (upload and report, template download) an app's URLconf mounts with
``{"kind": "<key>"}``."""

import csv
import io
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from jingmin.audit import log as audit
from jingmin.org import roles

_kinds = {}


@dataclass
class ImportKind:
    """What one kind of row file creates: the capability it needs, its title, the template's columns and
    example row, ``validate(user, row)`` (raises ValidationError by field) and ``create(user, row)`` (an
    action, so scope, rules and audit are the action's); ``unique`` names a column two rows may not share."""

    key: str
    capability: str
    title: object
    columns: list
    example: list
    validate: object
    create: object
    unique: str | None = None


def register(kind):
    """Add an :class:`ImportKind` (an app's ``imports.py`` calls this)."""
    _kinds[kind.key] = kind
    return kind


def get(key):
    """The import kind ``key``, after every installed app's ``imports.py`` has been loaded."""
    if not _kinds:
        autodiscover_modules("imports")
    return _kinds[key]


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


def run_import(kind, name, content, *, acting_user, valid_only=False):
    spec = get(kind)
    if not roles.can(acting_user, spec.capability):
        raise PermissionDenied(_("You do not have permission to do this."))
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
    seen = {}
    for number, row in rows:
        try:
            spec.validate(acting_user, row)
        except ValidationError as exc:
            for f, problems in exc.message_dict.items():
                report.errors.extend((number, f, m) for m in problems)
            continue
        value = (row.get(spec.unique) or "").strip().upper() if spec.unique else ""
        if value and value in seen:
            report.errors.append(
                (number, spec.unique, _("Same ID number as row %(row)s.") % {"row": seen[value]})
            )
            continue
        if value:
            seen[value] = number
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
    spec = get(kind)
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = kind
        ws.append(spec.columns)
        ws.append(spec.example)
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
    spec = get(kind)
    roles.require_page(request.user, spec.capability)
    from jingmin.forms import ImportForm

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
    return render(request, "import.html", {"form": form, "report": report, "kind": kind, "spec": spec})


@login_required
def import_template(request, kind):
    roles.require_page(request.user, get(kind).capability)
    fmt = request.GET.get("format", "csv")
    content, ctype, name = template_file(kind, fmt)
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
