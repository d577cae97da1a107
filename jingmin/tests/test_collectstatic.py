"""collectstatic with the production storage (hashed, compressed manifest) succeeds: every vendored
asset's references (source maps, images) resolve, and the base map's files are in the manifest."""

import json

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_manifest_storage(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in (
        "jingmin/favicon.svg",
        "jingmin/tainan-outline.json",
        "jingmin/basemap.js",
        "vendor/chartjs/chart.umd.min.js",
        "vendor/leaflet/images/marker-icon.png",
    ):
        assert name in manifest, name
    # Leaflet asks for its icons by their plain names under imagePath: the originals are kept too
    assert (tmp_path / "vendor/leaflet/images/marker-icon.png").exists()
