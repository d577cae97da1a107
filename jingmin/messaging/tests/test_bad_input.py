"""Bad input is refused before anything is queued, with a reason in the user's language."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jingmin.messaging import actions
from jingmin.messaging.models import Campaign, Delivery

from .conftest import add_group, png_bytes


@pytest.fixture
def zh():
    with translation.override("zh-hant"):
        yield


def _refused(exc_info, field=None):
    if field:
        return " ".join(exc_info.value.message_dict[field])
    return " ".join(exc_info.value.messages)


def test_image_that_is_not_an_image(w, channel, zh):
    fake = SimpleUploadedFile("poster.png", b"this is not a picture", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        actions.send(acting_user=w.inside["station_chief"], title="t", text="x", image=fake, image_alt="海報")
    assert "不是圖片" in _refused(exc, "image")
    assert not Campaign.objects.filter(title="t").exists()


def test_image_too_large(w, channel, zh, settings):
    settings.MESSAGING = {**settings.MESSAGING, "MAX_IMAGE_BYTES": 100}
    big = SimpleUploadedFile("poster.png", png_bytes((200, 200)), content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        actions.send(acting_user=w.inside["station_chief"], title="t", text="x", image=big, image_alt="海報")
    assert "MB" in _refused(exc, "image")


def test_gif_is_refused_line_takes_jpeg_and_png(w, channel, zh):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "GIF")
    with pytest.raises(ValidationError) as exc:
        actions.send(
            acting_user=w.inside["station_chief"],
            title="t",
            text="x",
            image=SimpleUploadedFile("a.gif", out.getvalue()),
            image_alt="a",
        )
    assert "JPEG" in _refused(exc, "image")


def test_empty_message(w, channel, zh):
    with pytest.raises(ValidationError) as exc:
        actions.send(acting_user=w.inside["station_chief"], title="t", text="   ")
    assert "訊息是空的" in _refused(exc, "text")


def test_message_over_line_limit(w, channel, zh):
    with pytest.raises(ValidationError) as exc:
        actions.send(
            acting_user=w.inside["station_chief"],
            title="t",
            text="詐" * 4990,
            link="https://165.npa.gov.tw/x",
        )
    assert "5000" in _refused(exc, "text")
    # emoji count twice, as LINE counts UTF-16 code units
    with pytest.raises(ValidationError):
        actions.send(acting_user=w.inside["station_chief"], title="t", text="😀" * 2501)


def test_audience_that_resolves_to_nobody(w, channel, line_server, zh):
    add_group(channel, 1, server=line_server, tags=["residents"])
    with pytest.raises(ValidationError) as exc:
        actions.send(acting_user=w.inside["station_chief"], title="t", text="x", tags=["security-guards"])
    assert "沒有任何收件對象" in _refused(exc)
    assert not Campaign.objects.filter(title="t").exists()  # the whole send() rolled back
    assert not Delivery.objects.filter(campaign__title="t").exists()


def test_compose_page_shows_field_errors(w, client):
    client.force_login(w.inside["station_chief"])
    response = client.post(
        "/messaging/campaigns/new/",
        {"title": "t", "text": "", "kinds": ["group"]},
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    assert response.status_code == 200
    assert "訊息是空的" in response.content.decode()
    assert not Campaign.objects.filter(title="t").exists()
