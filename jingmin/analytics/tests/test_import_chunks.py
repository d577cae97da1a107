"""A file validated and stored in several chunks (PostgreSQL: a writer thread stores chunk n while chunk n+1
is validated) behaves exactly like one: ids unique across chunks, nothing written when a late row is
bad, valid-only keeps the rest, re-import is idempotent, alerts and one audit event."""

import pytest

from jingmin.analytics import importer
from jingmin.analytics.importer import import_incidents
from jingmin.analytics.models import Incident
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.audit.models import AuditEvent


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 3)
    monkeypatch.setattr(importer, "SQLITE_CHUNK_ROWS", 3)


def good_rows(w, n=10):
    return [row(f"C-{k}", w.beat if k % 2 else w.beat2, "theft", days_ago=1 + k) for k in range(n)]


def test_many_chunks_store_every_row_once(w, small_chunks):
    before = AuditEvent.objects.count()
    rows = good_rows(w)
    report = import_incidents(csv_text(rows), filename="c.csv")
    assert report.written and report.created == 10 and report.valid == 10 and report.bad_rows == 0
    assert Incident.objects.filter(external_id__startswith="C-").count() == 10
    assert AuditEvent.objects.count() == before + 1
    again = import_incidents(csv_text(rows), filename="c.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    changed = list(rows)
    changed[7] = (*rows[7][:4], "burglary", *rows[7][5:])
    third = import_incidents(csv_text(changed), filename="c.csv")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 9)
    assert Incident.objects.get(external_id="C-7").category.code == "burglary"


def test_a_bad_row_in_the_last_chunk_writes_nothing(w, small_chunks):
    rows = good_rows(w) + [("C-bad", "yesterday", *good_rows(w)[0][2:])]
    before = (Incident.objects.count(), AuditEvent.objects.count())
    report = import_incidents(csv_text(rows), filename="c.csv")
    assert not report.written and report.bad_rows == 1 and report.valid == 10
    assert [(e.line, e.field) for e in report.errors] == [(12, "occurred_at")]
    assert (Incident.objects.count(), AuditEvent.objects.count()) == before


def test_an_id_repeated_in_a_later_chunk_is_a_bad_row(w, small_chunks):
    rows = good_rows(w) + [row("C-1", w.beat, "fraud")]
    report = import_incidents(csv_text(rows), filename="c.csv")
    assert not report.written
    assert [(e.line, e.field) for e in report.errors] == [(12, "id")]
    assert "3" in str(report.errors[0].reason)  # the line of the first C-1
    kept = import_incidents(csv_text(rows), filename="c.csv", valid_only=True)
    assert kept.written and kept.created == 10 and kept.bad_rows == 1
    assert Incident.objects.get(external_id="C-1").category.code == "theft"  # the first one wins


def test_valid_only_with_bad_rows_in_several_chunks(w, small_chunks):
    rows = good_rows(w, 9)
    rows[1] = ("C-1", "2026-01-01T10:00:00", *rows[1][2:])  # no offset, chunk 1
    rows[7] = ("C-7", rows[7][1], "91", rows[7][3], "theft", "", "", "")  # latitude, chunk 3
    report = import_incidents(csv_text(rows), filename="c.csv", valid_only=True)
    assert report.written and report.created == 7 and report.bad_rows == 2
    assert not Incident.objects.filter(external_id__in=["C-1", "C-7"]).exists()


def test_an_officer_import_in_chunks_checks_every_chunk(w, small_chunks):
    user = w.inside["precinct_officer"]
    Incident.objects.all().delete()
    import_incidents(csv_text([row("C-0", w.beat, "theft")]), filename="c.csv")
    foreign = w.outside["precinct_officer"]
    rows = good_rows(w)
    report = import_incidents(csv_text(rows), filename="c.csv", acting_user=user)
    assert report.written and report.created == 9 and report.updated + report.unchanged == 1
    refused = import_incidents(csv_text(rows), filename="c.csv", acting_user=foreign, valid_only=True)
    assert not refused.written and refused.bad_rows == 10


def test_a_storage_error_is_raised_and_nothing_is_written(w, small_chunks, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer._PostgresSink, "_store", boom)
    monkeypatch.setattr(importer, "_write_sqlite", boom)
    before = Incident.objects.count()
    with pytest.raises(RuntimeError, match="disk full"):
        import_incidents(csv_text(good_rows(w)), filename="c.csv")
    assert Incident.objects.count() == before
