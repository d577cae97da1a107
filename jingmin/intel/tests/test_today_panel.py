"""The intel section of "My beat today": reports waiting too long, shown to those who handle reports
(station chiefs and above in their jurisdiction), to no one else; the report pages keep their paths."""

import datetime as dt

from django.utils import timezone

from jingmin.intel import actions
from jingmin.org import roles


def late_report(w):
    return actions.file_intel(
        acting_user=w.inside["beat_officer"],
        data={"kind": "fraud", "urgency": "urgent", "text": "假檢察官電話"},
        filed_at=timezone.now() - dt.timedelta(hours=5),
    )


def test_handlers_see_the_late_report_on_the_today_page(client, w):
    report = late_report(w)
    client.force_login(w.inside[roles.STATION_CHIEF])
    html = client.get("/visits/today/").content.decode()
    assert f'href="/visits/intel/{report.pk}/"' in html


def test_beat_officer_and_outsider_see_no_intel_section(client, w):
    report = late_report(w)
    client.force_login(w.inside[roles.BEAT_OFFICER])
    page = client.get("/visits/today/")
    assert page.status_code == 200 and "逾時" not in "".join(page.context["panels"])
    assert f'href="/visits/intel/{report.pk}/"' not in page.content.decode()
    client.force_login(w.outside[roles.STATION_CHIEF])  # handles reports, of another precinct
    page = client.get("/visits/today/")
    assert page.status_code == 200
    assert f'href="/visits/intel/{report.pk}/"' not in page.content.decode()


def test_report_pages_answer_at_their_old_paths(client, w):
    report = late_report(w)
    client.force_login(w.inside[roles.STATION_CHIEF])
    assert client.get("/visits/intel/").status_code == 200
    assert client.get(f"/visits/intel/{report.pk}/").status_code == 200
    client.force_login(w.inside[roles.COMMUNITY_PARTNER])
    assert client.get("/visits/intel/").status_code == 403
    client.force_login(w.outside[roles.STATION_CHIEF])
    assert client.get(f"/visits/intel/{report.pk}/").status_code == 404


def test_the_late_report_is_a_task_on_the_handlers_home(client, w):
    late_report(w)
    client.force_login(w.inside[roles.STATION_CHIEF])
    tasks = client.get("/").context["tasks"]
    late = [t for t in tasks if t.url == "/visits/intel/"]
    assert late and late[0].level == "overdue" and late[0].count >= 1
    assert tasks[0].level == "overdue"
    client.force_login(w.inside[roles.BEAT_OFFICER])
    assert not [t for t in client.get("/").context["tasks"] if t.url == "/visits/intel/"]
