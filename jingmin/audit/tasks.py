from django_tasks import task

from jingmin.audit import checkpoints


@task()
def write_checkpoint():
    """The daily signed checkpoint of the audit chain's head (settings.SCHEDULE["audit_checkpoint"])."""
    path = checkpoints.write_checkpoint()
    return str(path) if path else ""
