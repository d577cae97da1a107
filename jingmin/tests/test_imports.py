"""Import of places, households and persons: a file mixing good and bad rows is refused row by row
(row numbers, nothing written) unless the valid rows only are asked for; scope enforced; XLSX works."""

import io

from openpyxl import Workbook, load_workbook

from jingmin.audit.models import AuditEvent
from jingmin.imports import run_import
from jingmin.people.models import Person
from jingmin.people.testing import new_id
from jingmin.places.models import Place
from jingmin.test import point_in


def places_csv(w):
    lat, lon = point_in(w.beat)
    olat, olon = point_in(w.other_beat)
    rows = [
        "name,category,risk,address,lat,lon,description",
        f"甲茶室,tea-shop,2,開元路1號,{lat},{lon},",  # row 2: good
        f"乙賭場,casino,2,開元路2號,{lat},{lon},",  # row 3: unknown category
        "丙空屋,abandoned,3,台北市,25.04,121.56,",  # row 4: outside Tainan
        f"丁網咖,net-cafe,1,中西區,{olat},{olon},",  # row 5: another precinct
        f",tea-shop,5,開元路5號,{lat},{lon},",  # row 6: no name, bad risk
        f"戊當舖,pawnshop,1,開元路6號,{lat},{lon},",  # row 7: good
    ]
    return "\n".join(rows).encode("utf-8-sig")


def test_mixed_file_is_refused_with_row_numbers(client, w):
    client.force_login(w.inside["station_chief"])
    before = (Place.objects.count(), AuditEvent.objects.count())
    upload = io.BytesIO(places_csv(w))
    upload.name = "places.csv"
    r = client.post("/places/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    errors = r.context["report"].errors
    assert {(row, field) for row, field, _ in errors} >= {
        (3, "category"),
        (4, "lat"),
        (5, "lat"),
        (6, "name"),
        (6, "risk"),
    }
    assert not any(row in (2, 7) for row, _, _ in errors)
    assert (Place.objects.count(), AuditEvent.objects.count()) == before
    assert "outside your jurisdiction" in r.content.decode()


def test_valid_rows_only(w):
    report = run_import(
        "places", "places.csv", places_csv(w), acting_user=w.inside["station_chief"], valid_only=True
    )
    assert report.created == 2
    assert set(Place.objects.filter(name__in=["甲茶室", "戊當舖"]).values_list("unit", flat=True)) == {
        w.beat.pk
    }


def test_persons_from_xlsx_with_a_duplicate_id(w):
    lat, lon = point_in(w.beat)
    nid = new_id()
    wb = Workbook()
    ws = wb.active
    columns = ["kind", "category", "name", "national_id", "phone", "birth_date", "registered_address", "actual_address",
               "lat", "lon", "offence", "sentence_end", "parole_release", "parole_revoked_on", "notes"]  # fmt: skip
    ws.append(columns)
    ws.append(
        ["concern", "theft", "甲", nid, "", "1980-01-01", "", "", lat, lon, "竊盜", "2025-06-30", "", "", ""]
    )
    ws.append(["concern", "theft", "乙", nid, "", "", "", "", lat, lon, "竊盜", "2025-06-30", "", "", ""])
    ws.append(["contact", "village-chief", "丙", "", "", "", "", "", lat, lon, "", "", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    chief = w.inside["station_chief"]
    report = run_import("persons", "persons.xlsx", buf.getvalue(), acting_user=chief)
    assert [(row, field) for row, field, _ in report.errors] == [(3, "national_id")]
    assert not Person.objects.filter(name__in=["甲", "乙", "丙"]).exists()
    report = run_import("persons", "persons.xlsx", buf.getvalue(), acting_user=chief, valid_only=True)
    assert report.created == 2
    assert Person.find_by_national_id(nid).get().name == "甲"


def test_template_download_and_permissions(client, w):
    client.force_login(w.inside["station_chief"])
    r = client.get("/people/import/template/?format=xlsx")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in sheet[1]][:3] == ["kind", "category", "name"]
    assert client.get("/places/import/template/").content.decode("utf-8-sig").startswith("name,category,risk")
    client.force_login(w.inside["beat_officer"])
    assert client.get("/places/import/").status_code == 403
    assert client.get("/people/households/import/").status_code == 403
