"""Writes through the Django admin are audited like any other write."""

from django.contrib.auth import get_user_model

from jingmin.audit.models import AuditEvent


def test_disabling_a_user_in_the_admin_is_audited(client, w):
    client.force_login(w.inside["administrator"])
    user = get_user_model().objects.get(username="demo-beat2")
    page = client.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, tuple))}
    data.update(
        {
            "username": user.username,
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "groups": [g.pk for g in user.groups.all()],
        }
    )
    data.pop("password", None)
    data.pop("last_login", None)
    response = client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    user.refresh_from_db()
    assert not user.is_active
    event = AuditEvent.objects.last()
    assert event.action == "admin.change" and event.object_id == str(user.pk)
    assert "is_active" in event.extra["fields"]


def test_admin_unit_rename_is_audited(client, w):
    client.force_login(w.inside["administrator"])
    response = client.post(
        f"/admin/org/unit/{w.beat.pk}/change/",
        {
            "name": "改名警勤區",
            "name_en": "Renamed",
            "code": w.beat.code,
            "kind": "beat",
            "parent": w.station.pk,
            "is_demo": "on",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.last().action == "admin.change"
