"""Background work: large confirmed imports run in the task worker (`manage.py db_worker`)."""

from django_tasks import task

from .models import ImportBatch
from .services import import_batch_run


@task()
def import_batch_task(batch_id):
    """Run one recorded import batch; its page in the admin shows the progress."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state == ImportBatch.State.QUEUED:
        import_batch_run(batch, count_rows=True)
    return batch_id
