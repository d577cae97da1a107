"""The upload page and the multipart API: who may import, jurisdiction of the rows, reports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingmin.analytics.models import Incident
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.audit.models import AuditEvent
from jingmin.org import roles

IMPORTERS = roles.CAPABILITIES["analytics.import_incidents"]


def upload(text, name="incidents.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.mark.parametrize("role", roles.ROLES)
def test_who_may_import(client, w, role):
    client.force_login(w.inside[role])
    response = client.get("/analytics/incidents/import/")
    allowed = role in IMPORTERS or w.inside[role].is_superuser
    assert response.status_code == (200 if allowed else 403)


def test_precinct_officer_imports_through_the_page(client, w):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    before = AuditEvent.objects.count()
    response = client.post("/analytics/incidents/import/", {"file": upload(csv_text([row("P-1", w.beat)]))})
    assert response.status_code == 200
    assert Incident.objects.get(external_id="P-1").unit == w.beat
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().actor == w.inside[roles.PRECINCT_OFFICER]


def test_rows_outside_the_jurisdiction_are_bad_rows(client, w):
    client.force_login(w.inside[roles.PRECINCT_OFFICER])
    text = csv_text([row("P-2", w.beat), row("P-3", w.other_beat)])
    response = client.post("/analytics/incidents/import/", {"file": upload(text)})
    assert response.status_code == 422
    assert response.context["report"].errors[0].line == 3
    assert not Incident.objects.filter(external_id__in=["P-2", "P-3"]).exists()
    response = client.post("/analytics/incidents/import/", {"file": upload(text), "valid_only": "on"})
    assert response.status_code == 200
    assert list(
        Incident.objects.filter(external_id__in=["P-2", "P-3"]).values_list("external_id", flat=True)
    ) == ["P-2"]


def test_page_rejects_non_csv(client, w):
    client.force_login(w.inside[roles.BUREAU_ANALYST])
    response = client.post("/analytics/incidents/import/", {"file": upload("x", "a.xlsx")})
    assert response.status_code == 200 and "file" in response.context["form"].errors


def test_api_import(client, w):
    client.force_login(w.inside[roles.BUREAU_ANALYST])
    good = csv_text([row("Q-1", w.beat), row("Q-2", w.other_beat, "theft")])
    response = client.post("/api/v1/analytics/incidents/import", {"file": upload(good)})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    bad = good.replace("theft", "nonsense")
    response = client.post("/api/v1/analytics/incidents/import", {"file": upload(bad)})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "line 3: category"
    response = client.post("/api/v1/analytics/incidents/import", {"file": upload(bad), "valid_only": "true"})
    assert response.status_code == 200 and response.json()["bad_rows"] == 1


def test_api_import_forbidden_for_beat_officer(client, w):
    client.force_login(w.inside[roles.BEAT_OFFICER])
    response = client.post(
        "/api/v1/analytics/incidents/import", {"file": upload(csv_text([row("Q-3", w.beat)]))}
    )
    assert response.status_code == 403
    assert not Incident.objects.filter(external_id="Q-3").exists()
