"""The unit list pages, filters by kind and precinct, and searches; names, not codes."""


def test_unit_list_pages_and_filters(client, w):
    client.force_login(w.inside["administrator"])
    first = client.get("/org/units/")
    page = first.context["page"]
    assert page.paginator.count > 50 and len(page.object_list) == 50
    assert 'rel="next"' in first.content.decode()
    last = client.get(f"/org/units/?page={page.paginator.num_pages}")
    assert last.status_code == 200 and 'rel="prev"' in last.content.decode()
    assert client.get("/org/units/?page=abc").context["page"].number == 1
    assert client.get("/org/units/?page=99999").context["page"].number == page.paginator.num_pages
    within = client.get(f"/org/units/?within={w.precinct.code}&kind=beat").context["page"]
    assert within.paginator.count > 0
    assert all(u.path.startswith(w.precinct.path) and u.kind == "beat" for u in within.object_list)
    paged = client.get(f"/org/units/?within={w.precinct.code}&kind=beat").content.decode()
    if within.paginator.num_pages > 1:
        assert f"within={w.precinct.code}" in paged.split('rel="next"')[0].rsplit("href=", 1)[1]
    found = client.get("/org/units/?q=" + w.station.name).context["page"]
    assert w.station in list(found.object_list)


def test_unit_list_is_scoped(client, w):
    client.force_login(w.inside["station_chief"])
    page = client.get(f"/org/units/?within={w.other_precinct.code}").context["page"]
    assert all(u.path.startswith(w.station.path) for u in page.object_list)
    assert w.other_precinct not in list(page.object_list)
