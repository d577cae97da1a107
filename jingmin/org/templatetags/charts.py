"""``{% load charts %}{% chart spec %}``: a chart with its table and downloads (see ``jingmin.org.charts``);
``{% chart_scripts %}`` once per page loads Chart.js and the page's chart code."""

from django import template

register = template.Library()


@register.inclusion_tag("_chart.html")
def chart(spec):
    # the data's element id is its own, so a page may use the chart's id for something else
    return {"spec": spec, "data": spec.as_json(), "rows": spec.rows(), "data_id": f"chart-data-{spec.id}"}


@register.inclusion_tag("_chart_scripts.html")
def chart_scripts():
    return {}
