"""The main menu links to the notices page (every role that sees visits) and to the household
registration notices (勤區訪查通報單: beat officers and supervisors), and to nothing a role may not open."""

import pytest

from jingmin.org import roles


@pytest.mark.parametrize("role", roles.ROLES)
def test_menu_links_follow_the_capabilities(client, w, role):
    user = w.inside[role]
    client.force_login(user)
    html = client.get("/").content.decode()
    nav = html[html.index('<nav class="mainnav"') : html.index("</nav>")]
    for url, cap in (
        ("/visits/notices/", "visits.view"),
        ("/visits/registration-notices/", "visits.registration_notices"),
    ):
        allowed = roles.can(user, cap)
        assert (f'href="{url}"' in nav) is allowed, (role, url)
        assert client.get(url).status_code == (200 if allowed else 403), (role, url)


def test_menu_labels_in_chinese(client, w):
    client.force_login(w.inside["station_chief"])
    html = client.get("/").content.decode()
    nav = html[html.index('<nav class="mainnav"') : html.index("</nav>")]
    assert ">通報</a>" in nav and ">勤區訪查通報單</a>" in nav


def test_nounit_user_sees_the_links_but_no_data(client, w, notice_elsewhere):
    """A beat officer without a unit has the capabilities (the pages open) but no jurisdiction (no rows)."""
    client.force_login(w.nounit)
    assert roles.can(w.nounit, "visits.view") and roles.can(w.nounit, "visits.registration_notices")
    r = client.get("/visits/notices/?show=all")
    assert r.status_code == 200
    assert notice_elsewhere.text not in r.content.decode()
    r = client.get("/visits/registration-notices/")
    assert r.status_code == 200
    assert "/visits/registration-notices/" not in r.content.decode().split("registration-list")[1]


@pytest.fixture
def notice_elsewhere(w):
    from jingmin.people.actions.notices import send_notice
    from jingmin.people.testing import make_person

    person = make_person(w.inside["beat_officer"], w.beat)
    return send_notice(unit=w.beat, kind="residence", person=person, text="住在貴轄區，請查訪")
