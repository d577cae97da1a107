"""Naming and counting a group the bot joined: each half is kept when read, the rest asked again later."""

from django_tasks_db.models import DBTaskResult

from jingmin.messaging import tasks
from jingmin.messaging.models import Contact
from jingmin.messaging.tests.line_server import fake_group_id

GROUP = fake_group_id("details")


def new_group(channel):
    return Contact.objects.create(
        channel=channel,
        unit=channel.unit,
        kind=Contact.Kind.GROUP,
        address=GROUP,
        address_hash=Contact.hash_address(GROUP),
        name="",
        member_count=1,
    )


def queued_retries(contact):
    return [
        r
        for r in DBTaskResult.objects.filter(task_path=tasks.fetch_group_details.module_path, status="READY")
        if r.args_kwargs["args"] == [contact.pk]
    ]


def test_both_halves_read_store_name_and_count_and_queue_nothing(channel, line_server):
    line_server.add_group(GROUP, "安平里 巡守隊", member_count=23)
    group = new_group(channel)
    assert tasks.fetch_group_details.call(group.pk) is True
    group.refresh_from_db()
    assert (group.name, group.member_count) == ("安平里 巡守隊", 23)
    assert queued_retries(group) == []


def test_failed_member_count_keeps_the_summary_and_retries_later(channel, line_server):
    line_server.add_group(GROUP, "安平里 巡守隊", member_count=23)
    line_server.slow_delay = 0.0  # "slow" lets the summary through at once
    line_server.script(["slow", 500])
    group = new_group(channel)
    assert tasks.fetch_group_details.call(group.pk) is False
    group.refresh_from_db()
    assert group.name == "安平里 巡守隊"  # the summary already fetched is kept
    assert group.member_count == 1
    [retry] = queued_retries(group)
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after > retry.enqueued_at
    # the retry counts the members (the name is not asked again)
    before = len(line_server.requests)
    assert tasks.fetch_group_details.call(group.pk, attempt=2) is True
    group.refresh_from_db()
    assert (group.name, group.member_count) == ("安平里 巡守隊", 23)
    assert [r["path"] for r in list(line_server.requests)[before:]] == [
        f"/v2/bot/group/{GROUP}/members/count"
    ]


def test_failed_summary_keeps_the_count_and_retries(channel, line_server):
    line_server.add_group(GROUP, "安平里 巡守隊", member_count=23)
    line_server.script([500])
    group = new_group(channel)
    assert tasks.fetch_group_details.call(group.pk) is False
    group.refresh_from_db()
    assert (group.name, group.member_count) == ("", 23)
    assert len(queued_retries(group)) == 1


def test_retries_stop_after_the_last_attempt(channel, line_server):
    line_server.add_group(GROUP, "安平里 巡守隊", member_count=23)
    line_server.script([500, 500])
    group = new_group(channel)
    assert tasks.fetch_group_details.call(group.pk, attempt=tasks.GROUP_DETAIL_ATTEMPTS) is False
    assert queued_retries(group) == []
