"""A place's photo is uploaded with the form and served only inside the jurisdiction."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from jingmin.places.models import Place
from jingmin.test import point_in


def test_photo_upload_and_scoped_download(client, w, tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "JPEG")
    lat, lon = point_in(w.beat)
    with override_settings(MEDIA_ROOT=tmp_path):
        client.force_login(w.inside["beat_officer"])
        photo = SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")
        r = client.post(
            "/places/new/",
            {
                "name": "有照片的處所",
                "category": "abandoned",
                "risk": "3",
                "lat": lat,
                "lon": lon,
                "photo": photo,
                "active": "on",
            },
        )
        assert r.status_code == 302, r.context["form"].errors
        place = Place.objects.get(name="有照片的處所")
        assert place.unit == w.beat and place.photo
        r = client.get(f"/places/{place.pk}/photo/")
        assert r.status_code == 200 and b"".join(r.streaming_content)[:2] == b"\xff\xd8"
        client.force_login(w.outside["beat_officer"])
        assert client.get(f"/places/{place.pk}/photo/").status_code == 404
