"""Every form a role can reach answers garbage with errors, not a server error (a sweep over the menus)."""

import re

import pytest

from jingmin.org import roles

FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
ACTION = re.compile(r'<form[^>]*action="([^"]*)"', re.I)
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', re.I)
HREF = re.compile(r'href="(/[^"#?]*)"')
SKIP = ("/static/", "/logout/", "/admin/", "/i18n/", "/api/")
GARBAGE = ["", "'; DROP TABLE x; --", "9" * 40, "2026-13-45", "x" * 5000]


def pages(client, depth=2, limit=120):
    seen, frontier = {"/"}, ["/"]
    for _ in range(depth):
        found = []
        for page in frontier:
            response = client.get(page)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for link in HREF.findall(response.content.decode()):
                if link not in seen and not link.startswith(SKIP) and not link.endswith((".csv", ".xlsx")):
                    seen.add(link)
                    found.append(link)
        frontier = found[:limit]
    return sorted(seen)


@pytest.mark.parametrize(
    "role", [roles.STATION_CHIEF, roles.BEAT_OFFICER, roles.ADMINISTRATOR, roles.PRECINCT_OFFICER]
)
def test_forms_survive_garbage(client, w, role):
    client.force_login(w.inside[role])
    posted = 0
    for page in pages(client):
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for match in FORM.finditer(html):
            head = html[match.start() : match.start() + 400]
            action = (ACTION.search(head) or [None, page])[1] or page
            if action.startswith(SKIP) or "<form" in match.group(1):
                continue
            names = {n for n in FIELD.findall(match.group(1)) if n != "csrfmiddlewaretoken"}
            if not names:
                continue  # a button-only form (approve, cancel …): not a bad-input surface
            for value in GARBAGE:
                result = client.post(action, {name: value for name in names})
                assert result.status_code < 500, (role, action, value)
                posted += 1
    assert posted > 0
