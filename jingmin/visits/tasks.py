"""Background tasks: the daily schedule generation (idempotent: run it as often as you like)."""

from django_tasks import task

from jingmin.visits import schedule


@task()
def generate_visit_plans():
    return {"created": schedule.generate()}
