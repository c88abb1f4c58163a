"""Background work in the task worker (`manage.py db_worker`): checking large uploads, running imports."""

from django_tasks import task

from .models import ImportBatch, ImportUpload
from .services import import_batch_run, import_upload_check_run


@task()
def import_batch_task(batch_id):
    """Run one recorded import batch; its page in the admin shows the progress."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state == ImportBatch.State.QUEUED:
        import_batch_run(batch, count_rows=True)
    return batch_id


@task()
def import_upload_check_task(upload_id):
    """Check one large upload; its page in the admin shows the progress, then the preview."""
    upload = ImportUpload.objects.filter(pk=upload_id, state=ImportUpload.State.CHECKING).first()
    if upload is not None:  # not deleted meanwhile (cleaned up, or checked already)
        import_upload_check_run(upload)
    return upload_id
