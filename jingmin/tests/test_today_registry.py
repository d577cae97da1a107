"""The home page is the role's task list, gathered from each app's today.py: overdue first, empty items
left out, each item linking to where it is handled; a role sees only what it may act on."""

from jingmin import today
from jingmin.discover import app_modules


def test_apps_contribute_their_own_items():
    assert "analytics" in {label for label, _m in app_modules("today")}


def test_items_are_ordered_overdue_first_and_zero_counts_dropped(monkeypatch):
    module = type(
        "M",
        (),
        {
            "items": staticmethod(
                lambda user, day: [
                    today.Item("info", "/i/", 1, "info"),
                    today.Item("none", "/n/", 0, "overdue"),
                    today.Item("late", "/l/", 2, "overdue"),
                    today.Item("now", "/d/", 3, "due"),
                ]
            )
        },
    )
    monkeypatch.setattr(today, "app_modules", lambda name: [("x", module)])
    assert [i.text for i in today.items_for(None)] == ["late", "now", "info"]


def test_home_lists_tasks_with_links(client, w):
    from jingmin.analytics.importer import import_incidents
    from jingmin.analytics.tests.helpers import csv_text, row

    import_incidents(
        csv_text([row("TD-1", w.beat, days_ago=0.5), row("TD-2", w.beat, days_ago=0.4, dlat=0.0005)])
    )
    client.force_login(w.inside["beat_officer"])
    page = client.get("/")
    tasks = page.context["tasks"]
    assert all(t.count > 0 and t.url.startswith("/") for t in tasks)
    assert 'id="today-tasks"' in page.content.decode()
    client.force_login(w.inside["community_partner"])
    partner = client.get("/").context["tasks"]
    assert not [t for t in partner if "/analytics/" in t.url]
