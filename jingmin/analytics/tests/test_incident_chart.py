"""The analytics overview charts the user's incidents per month by category, with the table behind it;
incidents outside the jurisdiction are not counted."""

import pytest

from jingmin.analytics.importer import import_incidents
from jingmin.analytics.tests.helpers import csv_text, row
from jingmin.analytics.views import incidents_by_month
from jingmin.org.charts import series


def total(chart):
    return sum(sum(values) for _name, values in chart.datasets)


def test_counts_per_month_and_category_inside_scope_only(w):
    inside, outside = w.inside["station_chief"], w.outside["station_chief"]
    before = total(incidents_by_month(inside)), total(incidents_by_month(outside))
    import_incidents(
        csv_text(
            [row("CH-1", w.beat, days_ago=1), row("CH-2", w.beat, days_ago=1.2, category="theft")]
            + [row("CH-3", w.beat2, days_ago=1.5), row("CH-X", w.other_beat, days_ago=1)]
        )
    )
    chart = incidents_by_month(inside)
    assert len(chart.labels) == 12 and chart.labels[-1].startswith("民國")
    assert total(chart) == before[0] + 3
    assert total(incidents_by_month(outside)) == before[1] + 1
    assert all(len(values) == 12 for _name, values in chart.datasets)


def test_overview_page_shows_the_chart_and_its_table(client, w):
    import_incidents(csv_text([row("CH-P", w.beat, days_ago=2)]))
    client.force_login(w.inside["station_chief"])
    page = client.get("/analytics/").content.decode()
    assert 'id="chart-incidents-by-month"' in page and "<details" in page
    assert "chart.umd.min.js" in page


def test_a_series_must_match_its_labels():
    with pytest.raises(ValueError):
        series("x", "x", labels=["a", "b"], datasets=[("n", [1])])
    with pytest.raises(ValueError):
        series("x", "x", labels=["a"], datasets=[("n", [1])], kind="pie")
    chart = series("x", "x", labels=["a", "b"], datasets=[("n", [1, 2]), ("m", [3, 4])], target=(16, "16 h"))
    assert chart.rows() == [["a", 1, 3], ["b", 2, 4]]
    assert chart.as_json()["target"] == {"value": 16, "label": "16 h"}
