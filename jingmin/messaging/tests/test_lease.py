"""The delivery lease is short and renewed while its worker sends: a live worker keeps its dispatches,
a dead one's are claimable again one short lease later."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from jingmin.messaging import actions, delivery
from jingmin.messaging.models import Channel, Contact, Dispatch
from jingmin.messaging.tests.line_server import FakeLineServer, fake_group_id
from jingmin.org.models import Officer, Unit

from .conftest import add_group

TOKEN = "lease-token"


def test_a_dead_workers_dispatch_is_claimable_again_after_the_short_default_lease(w, channel, line_server):
    add_group(channel, 1, server=line_server)
    actions.send(acting_user=w.inside["station_chief"], title="識詐", text="小心假投資")
    now = timezone.now()
    token, claimed = delivery.claim(now=now)  # ...and the worker is killed: nobody renews the lease
    assert len(claimed) == 1
    assert delivery.claim(now=now + timedelta(seconds=5))[1] == []  # still leased
    _, again = delivery.claim(now=now + timedelta(seconds=25))
    assert [d.pk for d in again] == [d.pk for d in claimed]


def test_renewing_extends_only_the_lease_of_its_own_token(w, channel, line_server):
    add_group(channel, 1, server=line_server)
    actions.send(acting_user=w.inside["station_chief"], title="識詐", text="小心假投資")
    token, [dispatch] = delivery.claim(lease_seconds=1)
    assert delivery.renew_lease("another-token", 60) == 0
    assert delivery.renew_lease(token, 60) == 1
    dispatch.refresh_from_db()
    assert dispatch.lease_until > timezone.now() + timedelta(seconds=50)


def small_station(api_host):
    bureau = Unit.objects.create(code="LB", name="lease bureau", kind="bureau")
    precinct = Unit.objects.create(code="LB-P1", name="lease precinct", kind="precinct", parent=bureau)
    station = Unit.objects.create(code="LB-P1-S1", name="lease station", kind="station", parent=precinct)
    chief = get_user_model().objects.create(username="lease-chief")
    chief.groups.add(Group.objects.get_or_create(name="station_chief")[0])
    Officer.objects.create(user=chief, unit=station)
    channel = Channel.objects.create(
        unit=station,
        slug="lease",
        name="lease",
        transport=Channel.Transport.LINE,
        line_channel_secret="s",
        line_access_token=TOKEN,
        api_host=api_host,
    )
    gid = fake_group_id("lease-1")
    Contact.objects.create(
        channel=channel,
        unit=station,
        kind="group",
        address=gid,
        address_hash=Contact.hash_address(gid),
        name="g",
    )
    return chief


@pytest.mark.django_db(transaction=True)
def test_a_request_slower_than_the_lease_keeps_its_dispatch(settings):
    settings.MESSAGING = {**settings.MESSAGING, "LEASE_SECONDS": 0.6, "LINE_TIMEOUT": 5}
    with FakeLineServer(TOKEN, slow_delay=2.0, groups={fake_group_id("lease-1"): "g"}) as server:
        chief = small_station(server.url)
        actions.send(acting_user=chief, title="識詐", text="小心假投資")
        server.script(["slow"])
        token, claimed = delivery.claim()
        competitor = {}

        def compete():  # another worker looks for work after the first lease would have run out
            time.sleep(1.3)
            try:
                competitor["claimed"] = delivery.claim()[1]
            finally:
                connection.close()

        thread = threading.Thread(target=compete)
        thread.start()
        stats = delivery.send_claimed(token, claimed)
        thread.join()
    assert competitor["claimed"] == []
    assert stats == {"sent": 1, "retrying": 0, "failed": 0, "lost": 0}
    assert list(Dispatch.objects.values_list("status", "attempts")) == [("sent", 1)]


def test_a_reaped_drain_schedules_the_next_one(w, channel, line_server):
    from django_tasks_db.models import DBTaskResult

    from jingmin.messaging.tasks import drain_deliveries
    from jingmin.org import workers

    add_group(channel, 1, server=line_server)
    actions.send(acting_user=w.inside["station_chief"], title="識詐", text="小心假投資")
    row = DBTaskResult.objects.get(id=str(drain_deliveries.enqueue().id))
    row.claim("killed-worker")
    token, [dispatch] = delivery.claim()  # the drain had claimed its dispatch when it was killed
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    drains = DBTaskResult.objects.filter(task_path=drain_deliveries.module_path, status="READY")
    assert not drains.exists()
    assert workers.reap_lost_tasks() == [row.pk]
    dispatch.refresh_from_db()
    assert drains.count() >= 1
    for next_drain in drains:
        assert abs((next_drain.run_after - dispatch.lease_until).total_seconds()) < 1


def test_a_drain_that_failed_by_itself_is_not_rescheduled_by_the_reaper_hook(w, channel, line_server):
    from django_tasks_db.models import DBTaskResult

    from jingmin.messaging.tasks import drain_deliveries

    add_group(channel, 1, server=line_server)
    actions.send(acting_user=w.inside["station_chief"], title="識詐", text="小心假投資")
    row = DBTaskResult.objects.get(id=str(drain_deliveries.enqueue().id))
    row.claim("worker")
    row.set_failed(RuntimeError("boom"))
    from django_tasks_db.compat import task_finished

    task_finished.send(sender=type(row.task.get_backend()), task_result=row.task_result)
    assert not DBTaskResult.objects.filter(task_path=drain_deliveries.module_path, status="READY").exists()
