"""`jingmin check --deploy` warns when LINE could not fetch campaign images from JINGMIN_PUBLIC_URL."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from jingmin.messaging.checks import check_public_url


def ids(settings_url, settings):
    settings.PUBLIC_URL = settings_url
    return [m.id for m in check_public_url()]


@pytest.mark.parametrize(
    "url",
    ["", "http://police.example.tw", "https://localhost:8000", "https://127.0.0.1", "https://10.1.2.3",
     "https://jingmin.local"],
)  # fmt: skip
def test_warns_when_line_cannot_fetch_images(settings, url):
    assert ids(url, settings) == ["jingmin.messaging.W001"]


def test_public_https_is_fine(settings):
    assert ids("https://jingmin.police.example.tw", settings) == []


def test_no_warning_when_image_campaigns_are_off(settings):
    settings.MESSAGING = {**settings.MESSAGING, "MAX_IMAGE_BYTES": 0}
    assert ids("http://localhost:8000", settings) == []


def test_registered_as_a_deploy_check(settings):
    settings.PUBLIC_URL = "http://localhost:8000"
    deploy = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "jingmin.messaging.W001" in [m.id for m in deploy]
    assert "jingmin.messaging.W001" not in [m.id for m in checks.run_checks(tags=[checks.Tags.security])]
    with pytest.raises(SystemCheckError, match="W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")
