"""Dates users read on the messaging pages are in the ROC calendar (民國), as everywhere else."""

from jingmin.messaging.models import Channel, Tip
from jingmin.org.dates import to_roc


def test_tip_list_and_detail_show_roc_dates(client, w):
    chief = w.inside["station_chief"]
    tip = Tip.objects.create(
        unit=w.station,
        channel=Channel.objects.get(slug="demo"),
        kind="text",
        text="機車被偷",
        tracking_code="TROC0001",
    )
    client.force_login(chief)
    listing = client.get("/messaging/tips/").content.decode()
    assert to_roc(tip.received_at, with_time=True) in listing
    assert tip.received_at.strftime("%Y-%m-%d %H:%M") not in listing
    detail = client.get(f"/messaging/tips/{tip.tracking_code}/").content.decode()
    assert to_roc(tip.received_at, with_time=True) in detail
