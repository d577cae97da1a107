"""The shared importer finds each app's kinds through the app registry and treats them all alike."""

import pytest
from django.http import Http404

from jingmin import imports
from jingmin.discover import app_modules


def test_each_app_declares_its_own_kinds():
    kinds = imports.importers()
    assert {"places", "households", "persons"} <= set(kinds)
    owners = {label for label, module in app_modules("importers") for _ in getattr(module, "IMPORTERS", ())}
    assert {"places", "people"} <= owners
    for spec in kinds.values():
        assert len(spec.columns) == len(spec.example), spec.kind


def test_a_kind_declared_twice_is_an_error(monkeypatch):
    twice = [("a", type("M", (), {"IMPORTERS": [imports.importer("places")]})) for _ in range(2)]
    monkeypatch.setattr(imports, "app_modules", lambda name: twice)
    with pytest.raises(ValueError, match="declared twice"):
        imports.importers()


def test_unknown_kind_is_404(client, w):
    with pytest.raises(Http404):
        imports.importer("no-such-kind")
    client.force_login(w.inside["station_chief"])
    assert client.get("/places/import/").status_code == 200


def test_repeated_unique_column_is_reported_with_the_first_row(w):
    from jingmin.people.testing import new_id
    from jingmin.test import point_in

    lat, lon = point_in(w.beat)
    nid = new_id()
    columns = imports.importer("persons").columns
    base = {c: "" for c in columns} | {
        "kind": "concern", "category": "theft", "name": "甲", "national_id": nid, "birth_date": "1980-01-01",
        "registered_address": "開元路1號", "actual_address": "開元路1號", "lat": str(lat), "lon": str(lon),
        "sentence_end": "2025-06-30",
    }  # fmt: skip
    lines = [",".join(columns)] + [",".join(base[c] for c in columns)] * 2
    report = imports.run_import(
        "persons", "p.csv", "\n".join(lines).encode(), acting_user=w.inside["station_chief"]
    )
    assert [(row, field) for row, field, _ in report.errors] == [(3, "national_id")]
    assert "2" in report.errors[0][2]
    assert report.created == 0


def test_unknown_import_kind_on_the_command_line_is_refused():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import", "no-such-kind", "x.csv")
