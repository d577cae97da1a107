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


def test_beat_officer_home_lists_overdue_and_due_visits_first(client, w):
    from jingmin.visits.schedule import due_list

    client.force_login(w.inside["beat_officer"])
    tasks = client.get("/").context["tasks"]
    due = due_list(w.inside["beat_officer"])
    overdue = sum(1 for i in due if i.overdue)
    shown = {t.url: t for t in tasks if t.url == "/visits/today/"}
    if overdue:
        assert tasks[0].level == "overdue"
    assert sum(t.count for t in tasks if t.url == "/visits/today/") == len(due)
    assert not shown or all(t.count > 0 for t in shown.values())


def test_tips_and_approvals_reach_the_chief_only(client, w):
    from jingmin.messaging.models import Tip

    client.force_login(w.inside["station_chief"])
    tasks = client.get("/").context["tasks"]
    new_tips = Tip.objects.visible_to(w.inside["station_chief"]).filter(status="new").count()
    assert sum(t.count for t in tasks if "/messaging/tips/" in t.url) == new_tips
    client.force_login(w.inside["community_partner"])
    assert not [
        t for t in client.get("/").context["tasks"] if "/messaging/tips/" in t.url or "/visits/" in t.url
    ]
