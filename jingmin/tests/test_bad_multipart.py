"""A multipart body without a (valid) boundary answers 400 — JSON on the API, a page elsewhere — never 500."""

import pytest
from django.utils.translation import gettext, override

from jingmin.org import roles

NO_BOUNDARY = "The upload is malformed (multipart body without a boundary)."

TARGETS = [
    ("/api/v1/auth/token", None),
    ("/api/v1/analytics/incidents/import", roles.ADMINISTRATOR),
    ("/api/v1/analytics/incidents/import", roles.BUREAU_ANALYST),
    ("/org/units/import/", roles.ADMINISTRATOR),
    ("/login/", None),
]


@pytest.mark.parametrize("path,role", TARGETS)
@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\x7f"],
)
def test_no_boundary_is_a_clear_400(client, w, path, role, content_type):
    if role:
        client.force_login(w.inside[role])
    response = client.post(path, data=b"--x\r\nabc", content_type=content_type)
    assert response.status_code == 400
    if path.startswith("/api/"):
        with override("zh-hant"):  # the default language: the message is translated like every other
            expected = gettext(NO_BOUNDARY)
        assert response.json()["detail"] == expected and expected != "" and "multipart" in expected
    else:
        assert response["Content-Type"].startswith("text/html")


def test_a_proper_upload_still_works(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jingmin.analytics.tests.helpers import csv_text, row

    client.force_login(w.inside[roles.ADMINISTRATOR])
    upload = SimpleUploadedFile("x.csv", csv_text([row("MP-1", w.beat)]).encode(), content_type="text/csv")
    response = client.post("/api/v1/analytics/incidents/import", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
