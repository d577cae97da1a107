import pytest

from jingmin.audit import log
from jingmin.audit.models import AuditEvent


def test_admin_filters_and_exports(client, w):
    log.record("test.filter", actor=w.inside["beat_officer"], obj=("x.thing", "42"), unit=w.beat)
    client.force_login(w.inside["administrator"])
    page = client.get("/audit/?actor=demo-beat&object_id=42")
    assert page.status_code == 200
    assert "test.filter" in page.content.decode()
    assert client.get("/audit/?since=bad-date").context["errors"]
    csv_response = client.get("/audit/export.csv?action=test.filter")
    body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("id,at,actor")
    assert "test.filter" in body
    # reading the log is itself audited
    assert AuditEvent.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize(
    "role",
    [
        "bureau_analyst",
        "precinct_officer",
        "station_chief",
        "beat_officer",
        "investigator",
        "social_liaison",
        "community_partner",
    ],
)
def test_non_admins_refused(client, w, role):
    client.force_login(w.inside[role])
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
