"""Every page a role can reach from its menus opens without a server error (a one-level crawl)."""

import re

import pytest

from jingmin.org import roles

HREF = re.compile(r'href="(/[^"#?]*)(?:\?[^"]*)?"')
SKIP = ("/static/", "/logout/", "/admin/", "/api/v1/docs")


@pytest.mark.parametrize("role", roles.ROLES)
def test_menus_and_their_links_open(client, w, role):
    client.force_login(w.inside[role])
    home = client.get("/")
    assert home.status_code == 200
    seen, queue = set(), ["/"]
    for _depth in range(2):
        next_queue = []
        for path in queue:
            response = client.get(path)
            assert response.status_code < 500, (role, path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for link in HREF.findall(response.content.decode()):
                if link not in seen and not link.startswith(SKIP) and not link.endswith((".csv", ".xlsx")):
                    seen.add(link)
                    next_queue.append(link)
        queue = next_queue[:150]
    for path in queue:
        assert client.get(path).status_code < 500, (role, path)
    assert len(seen) > 3
