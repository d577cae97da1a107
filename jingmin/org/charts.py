"""Charts on every page from one JSON series: ``{% chart spec %}`` (templatetags/charts.py) draws it with
the vendored Chart.js and always puts the table behind it (accessibility, printing) plus CSV and PNG
downloads. A spec is plain data that views build with :func:`series`:

    series("visit-hours", _("Visit hours per officer"), labels=["王小明", ...],
           datasets=[(_("hours"), [12.5, ...])], kind="bar", unit=_("h"), target=(16, _("16 h a month")))
"""

from dataclasses import dataclass


@dataclass
class Chart:
    id: str
    title: str
    labels: list
    datasets: list  # [(name, [value per label])]
    kind: str = "bar"  # bar | line | stacked
    unit: str = ""
    target: tuple | None = None  # (value, label): a horizontal reference line
    label_header: str = ""

    def rows(self):
        """The table behind the chart: one row per label, one column per dataset."""
        return [
            [label, *(values[i] for _name, values in self.datasets)] for i, label in enumerate(self.labels)
        ]

    def as_json(self):
        return {
            "id": self.id,
            "title": str(self.title),
            "kind": self.kind,
            "unit": str(self.unit),
            "labels": [str(label) for label in self.labels],
            "datasets": [{"name": str(name), "data": list(values)} for name, values in self.datasets],
            "target": {"value": self.target[0], "label": str(self.target[1])} if self.target else None,
            "labelHeader": str(self.label_header),
        }


def series(chart_id, title, *, labels, datasets, kind="bar", unit="", target=None, label_header=""):
    labels = list(labels)
    datasets = [(name, list(values)) for name, values in datasets]
    for name, values in datasets:
        if len(values) != len(labels):
            raise ValueError(
                f"chart {chart_id}: dataset {name!s} has {len(values)} values for {len(labels)} labels"
            )
    if kind not in ("bar", "line", "stacked"):
        raise ValueError(f"chart {chart_id}: unknown kind {kind}")
    return Chart(chart_id, title, labels, datasets, kind, unit, target, label_header)
