"""Background tasks (Django tasks API): the retention purge, run daily by a scheduler or by hand."""

from django_tasks import task

from jingmin.people import retention


@task()
def purge_expired_persons():
    """Queue persons whose visit window closed, then anonymise them."""
    queued = retention.queue_closed_windows()
    purged = retention.purge()
    return {"queued": queued, "purged": purged}
