"""Bad rows are reported by line and field; nothing is written unless only the valid rows are asked for."""

import pytest
from django.core.management import CommandError, call_command

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import Incident
from jingmin.analytics.tests.helpers import HEADER, csv_text, row, when
from jingmin.audit.models import AuditEvent


def bad_file(w):
    good = row("B-1", w.beat)
    return csv_text(
        [
            good,  # line 2
            ("B-2", "2026-01-01T10:00:00", *good[2:]),  # 3: no offset
            ("B-3", "yesterday", *good[2:]),  # 4: not ISO 8601
            ("B-4", good[1], "25.03", "121.56", "burglary", "", "", ""),  # 5: Taipei, outside Tainan
            ("B-5", good[1], "91", "120.2", "burglary", "", "", ""),  # 6: latitude out of range
            ("B-6", good[1], good[2], good[3], "unicorns", "", "", ""),  # 7: unknown category
            ("B-1", good[1], good[2], good[3], "theft", "", "", ""),  # 8: repeated id
            ("B-8", when(-30).isoformat(), good[2], good[3], "theft", "", "", ""),  # 9: in the future
            ("B-9", good[1], good[2], good[3], "theft", "", "NO-SUCH-UNIT", ""),  # 10: unknown unit
            ("B-10", good[1], "x", good[3], "theft", "", "", ""),  # 11: not a number
            ("B-11", good[1], "23.25", "120.05", "theft", "", "", ""),  # 12: in the sea off Tainan
            row("B-12", w.beat2, "theft"),  # 13: fine
        ]
    )


def test_bad_rows_are_listed_by_line_and_nothing_is_written(w):
    before = (Incident.objects.count(), AuditEvent.objects.count())
    report = import_incidents(bad_file(w), filename="bad.csv")
    got = {(e.line, e.field) for e in report.errors}
    assert got == {
        (3, "occurred_at"),
        (4, "occurred_at"),
        (5, "lat/lon"),
        (6, "lat/lon"),
        (7, "category"),
        (8, "id"),
        (9, "occurred_at"),
        (10, "unit"),
        (11, "lat/lon"),
        (12, "lat/lon"),
    }
    assert [e.line for e in report.errors] == sorted(e.line for e in report.errors)
    assert report.bad_rows == 10 and report.valid == 2 and not report.written
    assert (Incident.objects.count(), AuditEvent.objects.count()) == before


def test_valid_only_commits_the_valid_rows(w):
    before = Incident.objects.count()
    report = import_incidents(bad_file(w), filename="bad.csv", valid_only=True)
    assert report.written and report.created == 2 and report.bad_rows == 10
    assert set(
        Incident.objects.filter(external_id__startswith="B-").values_list("external_id", flat=True)
    ) == {
        "B-1",
        "B-12",
    }
    assert Incident.objects.count() == before + 2


@pytest.mark.parametrize(
    "text,line",
    [("", 1), ("id,lat,lon\n1,2,3\n", 1), (HEADER + "\n", 1), ("\ufeff" + HEADER + "\nonly,two\n", 2)],
)
def test_broken_files_are_explained(w, text, line):
    report = import_incidents(text)
    assert not report.written and report.errors and report.errors[0].line == line


def test_command_refuses_a_bad_file_and_imports_valid_rows_on_request(w, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(bad_file(w), encoding="utf-8")
    before = Incident.objects.count()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "incidents", str(path))
    err = capsys.readouterr().err
    assert "line 3" in err or "第 3 列" in err
    assert Incident.objects.count() == before
    call_command("import", "incidents", str(path), "--valid-only")
    assert "2 created" in capsys.readouterr().out
    assert Incident.objects.count() == before + 2
