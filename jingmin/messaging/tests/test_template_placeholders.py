"""Template placeholders: filled from values and the station, refused while any is missing."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jingmin.messaging import actions, templating
from jingmin.messaging.models import MessageTemplate


def test_placeholders_are_found_in_order():
    assert templating.placeholders("{a} {b} {a} {{literal}}") == ["a", "b"]


def test_render_fills_values_and_keeps_literal_braces():
    assert (
        templating.render("{station}：{{注意}} {date}", {"station": "北區所", "date": "11/30"})
        == "北區所：{注意} 11/30"
    )


def test_missing_placeholders_are_named():
    with translation.override("zh-hant"), pytest.raises(ValidationError) as exc:
        templating.render("會議 {date} 於 {place}", {"date": "12/1"})
    assert exc.value.message_dict["text"] == ["請填入這些欄位：{place}。"]


def test_seeded_library_has_fraud_missing_and_meeting_templates(w):
    library = MessageTemplate.objects.visible_to(w.inside["beat_officer"])
    assert library.filter(category="fraud").count() >= 5
    assert library.filter(category="missing").exists() and library.filter(category="meeting").exists()
    assert not MessageTemplate.objects.visible_to(w.inside["bureau_analyst"]).exists()  # cannot send


def test_service_api_renders_a_template_with_the_station_name(w):
    campaign = actions.save_campaign(
        acting_user=w.inside["station_chief"],
        title="會議",
        template=MessageTemplate.objects.get(code="meeting-notice"),
        values={"topic": "防竊", "date": "12月1日", "time": "19:00", "place": "開元里活動中心"},
    )
    assert campaign.text.startswith(f"【{w.station.name}】")
    assert "開元里活動中心" in campaign.text and "{" not in campaign.text


def test_compose_page_refuses_unfilled_placeholders(w, client):
    client.force_login(w.inside["station_chief"])
    template = MessageTemplate.objects.get(code="missing-person")
    response = client.post(
        "/messaging/campaigns/new/",
        {"title": "協尋", "text": template.body, "kinds": ["group"]},
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    assert response.status_code == 200
    assert "請填入這些欄位" in response.content.decode()
