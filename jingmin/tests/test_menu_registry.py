"""The menu comes from each app's menu.py, grouped by strategy; each role sees what it may open, and its
phone bottom bar shows at most four of its pages."""

import pytest
from django.urls import reverse

from jingmin import menu
from jingmin.org import roles
from jingmin.org.context import menu_for


def test_every_entry_resolves_and_names_a_known_capability():
    for entry in menu.entries():
        assert reverse(entry.url_name)
        assert entry.capability in roles.CAPABILITIES, entry


def test_unknown_group_is_an_error(monkeypatch):
    bad = type("M", (), {"ENTRIES": [menu.Entry("home", "x", "geo.view_map", "nowhere")]})
    monkeypatch.setattr(menu, "app_modules", lambda name: [("x", bad)])
    with pytest.raises(ValueError, match="unknown group"):
        menu.entries()


@pytest.mark.parametrize("role", sorted(roles.ROLE_LABELS))
def test_each_role_sees_only_what_it_may_open(w, role):
    user = w.inside[role]
    shown = menu_for(user)
    for _name, items in shown["groups"]:
        assert items and all(roles.can(user, e.capability) for e in items)
    assert len(shown["bottom"]) <= menu.BOTTOM_MAX
    hidden = {e.url_name for e in menu.entries() if not roles.can(user, e.capability)}
    assert not hidden & {e.url_name for _n, items in shown["groups"] for e in items}


def test_partner_menu_has_no_police_registers(client, w):
    client.force_login(w.inside["community_partner"])
    page = client.get("/").content.decode()
    assert reverse("people:list") not in page and reverse("audit:list") not in page
    assert reverse("messaging:partner_messages") in page


def test_signed_out_pages_have_no_menu(client):
    page = client.get("/login/").content.decode()
    assert 'id="mainnav"' not in page and "bottombar" not in page
