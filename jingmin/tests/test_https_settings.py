"""Behind TLS (JINGMIN_HTTPS=1) the product sends HSTS with includeSubDomains and secure cookies."""

import json
import os
import subprocess
import sys

PROBE = (
    "import json, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'jingmin.settings'; django.setup();"
    "from django.conf import settings as s;"
    "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
    " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]))"
)


def settings_with(**env):
    full = {**os.environ, **env}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run([sys.executable, "-c", PROBE], env=full, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_https_turns_on_hsts_with_subdomains_and_secure_cookies():
    assert settings_with(JINGMIN_HTTPS="1") == [31536000, True, False, True, True]


def test_subdomains_and_preload_are_configurable():
    got = settings_with(JINGMIN_HTTPS="1", JINGMIN_HSTS_INCLUDE_SUBDOMAINS="0", JINGMIN_HSTS_PRELOAD="1")
    assert got[1:3] == [False, True]


def test_plain_http_sends_no_hsts():
    assert settings_with(JINGMIN_HTTPS="0")[:2] == [0, False]


def test_the_header_names_subdomains(client, settings):
    settings.SECURE_HSTS_SECONDS = 600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
