"""Every CSV/XLSX download writes text that looks like a formula as text (OWASP CSV injection)."""

import ast
import csv
import io
import pathlib

import pytest
from openpyxl import load_workbook

from jingmin.audit import log as audit
from jingmin.exports import csv_bytes, csv_cell, xlsx_bytes
from jingmin.places.models import Place

RISKY = ['=HYPERLINK("http://evil.example","點我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", RISKY)
def test_risky_text_gets_an_apostrophe_in_csv(value):
    assert csv_cell(value) == "'" + value


def test_plain_values_pass_unchanged():
    assert [csv_cell(v) for v in ("開元里", 12, -3.5, None, "a=b")] == ["開元里", 12, -3.5, "", "a=b"]


def test_xlsx_writes_risky_text_as_string_cells():
    data = xlsx_bytes("t", ["name", "n"], [[v, -1] for v in RISKY])
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(min_row=2, values_only=False))
    # XML stores a carriage return as a line feed; what matters is that every cell is text
    assert [r[0].value for r in rows] == [v.replace("\r", "\n") for v in RISKY]
    assert all(r[0].data_type == "s" for r in rows)
    assert all(r[1].value == -1 and r[1].data_type == "n" for r in rows)


def test_csv_bytes_round_trip():
    text = csv_bytes(["a"], [[v] for v in RISKY]).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == ["'" + v for v in RISKY]


def test_place_export_escapes_a_formula_name(client, w):
    place = Place.objects.filter(unit__path__startswith=w.beat.path).first()
    Place.objects.filter(pk=place.pk).update(name=RISKY[0])
    client.force_login(w.inside["station_chief"])
    text = client.get("/places/?format=csv").content.decode("utf-8-sig")
    assert "'" + RISKY[0].replace('"', '""') in text
    book = load_workbook(io.BytesIO(client.get("/places/?format=xlsx").content))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == RISKY[0]]
    assert cells and all(c.data_type == "s" for c in cells)


def test_audit_export_escapes_a_free_text_reason(client, w):
    audit.record("test.export", actor=w.inside["administrator"], reason="=1+1")
    client.force_login(w.inside["administrator"])
    text = b"".join(client.get("/audit/export.csv?action=test.export").streaming_content).decode("utf-8-sig")
    assert ",'=1+1," in text


def test_no_download_writes_a_spreadsheet_by_itself():
    """csv.writer and openpyxl's Workbook are used for downloads only inside jingmin/exports.py."""
    root = pathlib.Path(__file__).resolve().parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel == "exports.py" or "import" in rel:
            continue  # importers write templates and PostgreSQL COPY buffers, not user data
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "writer"
                and getattr(node.value, "id", "") == "csv"
            ):
                offenders.append(rel)
            if isinstance(node, ast.Name) and node.id == "Workbook":
                offenders.append(rel)
    # the engine's own input file and the demo's generated import file: never a user's download
    allowed = {"analytics/evaluation.py", "analytics/demo.py"}
    assert sorted(set(offenders) - allowed) == []
