"""Unit import: every row validated first; a bad file changes nothing and names line, field, reason."""

import json

import pytest
from django.core.management import CommandError, call_command

from jingmin.audit.models import AuditEvent
from jingmin.org.importer import ImportFailed, import_units
from jingmin.org.models import Unit, Village

GOOD = """code,name,name_en,kind,parent,districts,villages
TNPD-P05-S99,測試派出所,Test station,station,TNPD-P05,,
TNPD-P05-S99-B01,測試警勤區,Test beat,beat,TNPD-P05-S99,,
"""


def snapshot():
    return (
        list(Unit.objects.order_by("code").values_list("code", "name", "parent_id", "path")),
        list(Village.objects.order_by("code").values_list("code", "beat_id")),
        AuditEvent.objects.count(),
    )


def test_good_file_creates_units_and_one_audit_event(w):
    before = AuditEvent.objects.count()
    result = import_units(GOOD, "units.csv")
    assert result == {"rows": 2, "created": 2, "updated": 0}
    beat = Unit.objects.get(code="TNPD-P05-S99-B01")
    assert beat.path == "/TNPD/TNPD-P05/TNPD-P05-S99/TNPD-P05-S99-B01/"
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().action == "org.import_units"
    # importing the same file again changes nothing
    assert import_units(GOOD, "units.csv") == {"rows": 2, "created": 0, "updated": 0}


def test_moving_a_village_between_beats(w):
    village = w.beat.villages.first()
    content = (
        "code,name,name_en,kind,parent,districts,villages\n"
        f"{w.beat.code},{w.beat.name},,beat,{w.station.code},,\n"
        f"{w.beat2.code},{w.beat2.name},,beat,{w.station.code},,{village.code};{w.beat2.villages.first().code}\n"
    )
    # the file does not re-list beat 1's village for beat 1, so it may move to beat 2
    import_units(content, "move.csv")
    village.refresh_from_db()
    assert village.beat == w.beat2


BAD = """code,name,name_en,kind,parent,districts,villages
TNPD-P05-S98,,Test,station,TNPD-P05,,
TNPD-P05-S98-B01,ok,,beet,TNPD-P05-S98,,
TNPD-P05-S97,ok,,station,TNPD-NOPE,,
TNPD-P05-S96,ok,,station,TNPD-P05-S01,,
TNPD-P05-S95,ok,,precinct,TNPD,火星區,
TNPD-P05-S94-B01,ok,,beat,TNPD-P05-S01,,99999999999
TNPD-P05-S94-B02,ok,,beat,TNPD-P05-S01,,67000020001
TNPD-P05-S98,dup,,station,TNPD-P05,,
"""


def test_bad_rows_are_reported_and_nothing_changes(w):
    before = snapshot()
    with pytest.raises(ImportFailed) as info:
        import_units(BAD, "bad.csv")
    errors = {(e.line, e.field) for e in info.value.errors}
    assert (2, "name") in errors  # missing name
    assert (3, "kind") in errors  # unknown kind
    assert (4, "parent") in errors  # unknown parent
    assert (5, "parent") in errors  # station under a station
    assert (6, "districts") in errors  # unknown district
    assert (7, "villages") in errors  # unknown village
    assert (8, "villages") in errors  # village already in another beat
    assert (9, "code") in errors  # duplicate code
    assert all(e.reason for e in info.value.errors)
    assert snapshot() == before


@pytest.mark.parametrize(
    "content,name",
    [
        ("", "x.csv"),
        ("a,b\n1,2\n", "x.csv"),
        ("{not json", "x.geojson"),
        ('{"type": "Feature"}', "x.geojson"),
        (
            '{"type":"FeatureCollection","features":[{"properties":{"code":"X","name":"x","kind":"beat","parent":"TNPD-P05-S01"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}',
            "x.geojson",
        ),
    ],
)
def test_malformed_files(w, content, name):
    before = snapshot()
    with pytest.raises(ImportFailed) as info:
        import_units(content, name)
    assert info.value.errors
    assert snapshot() == before


def test_geojson_import_keeps_given_boundary(w):
    geometry = {
        "type": "Polygon",
        "coordinates": [[[120.2, 23.0], [120.21, 23.0], [120.21, 23.01], [120.2, 23.0]]],
    }
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": "TNPD-P05-S77",
                    "name": "圖資派出所",
                    "kind": "station",
                    "parent": "TNPD-P05",
                },
            }
        ],
    }
    import_units(json.dumps(data), "stations.geojson")
    assert Unit.objects.get(code="TNPD-P05-S77").boundary == geometry


def test_cli_reports_rows(w, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "units", str(bad))
    assert "第 2 列" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("import", "units", str(good))
    assert "2 created" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import", "units", str(tmp_path / "missing.csv"))


def test_import_page_admin_only_and_reports_errors(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(w.inside["station_chief"])
    assert client.get("/org/units/import/").status_code == 403
    client.force_login(w.inside["administrator"])
    before = snapshot()
    response = client.post("/org/units/import/", {"file": SimpleUploadedFile("bad.csv", BAD.encode())})
    assert response.status_code == 200
    assert len(response.context["errors"]) >= 8
    assert snapshot() == before
    response = client.post("/org/units/import/", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.context["form"].errors["file"]
    response = client.post("/org/units/import/", {"file": SimpleUploadedFile("good.csv", GOOD.encode())})
    assert response.status_code == 302
    assert Unit.objects.filter(code="TNPD-P05-S99").exists()
