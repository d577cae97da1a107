"""Reliability with real worker processes (``jingmin worker``) on a file-based SQLite database.

500 deliveries to a fake LINE server that fails 30 % of requests at random, two workers, each of
them killed with SIGKILL once and replaced: every delivery ends ``sent``, every group receives each
campaign exactly once, no retry key is accepted twice. And a scheduled campaign with two workers
running goes out once, not before its time. (``bench/line_chaos.py`` runs 10,000.)
"""

import time

from jingmin.messaging import chaos


def test_500_deliveries_with_30_percent_failures_and_two_sigkills_are_delivered_exactly_once():
    result = chaos.run(
        groups=100, campaigns=5, failure_rate=0.3, kills=2, workers=2, timeout=120, log=lambda m: None
    )
    assert result["sigkills"] == 2
    assert result["db_deliveries"] == {"sent": 500}
    assert result["duplicates"] == 0
    assert result["lost"] == 0
    assert result["retries"] > 0 and sum(result["injected_failures"].values()) > 0
    assert result["finished_events"] == 5
    assert result["campaign_statuses"] == {"done": 5}


def test_scheduled_campaign_is_sent_once_with_two_workers_running():
    before = time.time()
    result = chaos.run(
        groups=20,
        campaigns=1,
        failure_rate=0.0,
        kills=0,
        workers=2,
        schedule_in=4,
        timeout=60,
        log=lambda m: None,
    )
    assert result["db_deliveries"] == {"sent": 20}
    assert result["duplicates"] == 0 and result["lost"] == 0
    assert result["conflicts_409"] == 0  # no request was even repeated
    assert result["requests"] == 20
    assert result["finished_events"] == 1
    assert result["first_sent"] >= result["send_at"] > before
