from unittest import mock

from django.db import DatabaseError


def test_healthz_ok(client, w):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "pending_migrations": 0}


def test_healthz_reports_pending_migrations(client, w):
    with mock.patch("jingmin.views.MigrationExecutor") as executor:
        executor.return_value.migration_plan.return_value = [("x", False)]
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["pending_migrations"] == 1


def test_healthz_reports_database_down(client, w):
    with mock.patch("jingmin.views.MigrationExecutor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unreachable"
