"""Clash imports: uploads checked and confirmed, batches run through the engine, rolled back, cleaned up."""

import datetime
import hashlib
import os
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from orgs.models import ClashEvent, ClashFigure
from peacetracker.cache import cache_generation_bump, state_cache
from peacetracker.models import Citation, ModerationEvent, Source
from peacetracker.services import moderation_event_record, user_can_moderate
from peacetracker.text import control_characters_removed

from . import engine
from .models import ImportBatch, ImportUpload, StagedEvent

IMPORT_PERMISSION = "imports.import_clashes"
# Kept in the state cache, which readers' pages never fill, so that nothing evicts them mid-import.
PROGRESS_KEY = "imports:progress:{}"
HEARTBEAT_KEY = "imports:heartbeat:{}"
# Uploads are stored under this folder of the "imports" storage, each under a random name.
UPLOAD_FOLDER = "clash-uploads"
UNKNOWN_UPLOAD = "This upload is unknown, is not yours or is no longer kept: upload the file again."
# Rolled back in this order, so that citations go before the figures and sources they join.
ROLLBACK_MODELS = [Citation, ClashEvent, ClashFigure, Source]


def user_can_import(user):
    return bool(user and user.is_active and user.has_perm(IMPORT_PERMISSION))


def import_storage():
    """Where uploads wait for their confirmation: the "imports" storage, never served to anyone."""
    return storages["imports"]


def import_file_store(content):
    """Store a file (a Django `File`) in the imports storage under a new random name; the name."""
    return import_storage().save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}.csv", content)


def import_file_delete(stored_name):
    """Delete a stored file, if it is still there."""
    storage = import_storage()
    if stored_name and storage.exists(stored_name):
        storage.delete(stored_name)


def import_upload_create(uploaded_file, fmt, user, strict=False):
    """Store an uploaded file under a name the server chooses, for its uploader alone to check and confirm;
    refuses a file over the size limit."""
    engine.file_size_check(uploaded_file.size)
    stored_name = import_file_store(uploaded_file)
    return ImportUpload.objects.create(
        format=fmt,
        file_name=control_characters_removed(os.path.basename(uploaded_file.name or ""))[:255]
        or "upload.csv",
        stored_name=stored_name,
        size=uploaded_file.size,
        strict=strict,
        uploaded_by=user,
    )


def import_upload_check(upload, progress=None):
    """Check an upload's file against the data as it is now, without writing any of it; keeps the report
    on the upload. Re-links count against the file unless its uploader is a moderator."""
    with import_storage().open(upload.stored_name, "rb") as stream:
        report = engine.clash_file_check(
            stream,
            upload.format,
            strict=upload.strict,
            progress=progress,
            relink_allowed=user_can_moderate(upload.uploaded_by),
        )
    upload.state = ImportUpload.State.CHECKED
    upload.rows_checked = report.rows
    upload.report = report.as_json()
    upload.save(update_fields=["state", "rows_checked", "report"])
    return report


def import_upload_check_run(upload):
    """The background check of a large upload, noting its progress on the upload as it goes."""
    with import_storage().open(upload.stored_name, "rb") as stream:
        rows_total = engine.csv_record_count(stream)
    ImportUpload.objects.filter(pk=upload.pk).update(rows_total=rows_total)
    upload.rows_total = rows_total

    def note_progress(rows):
        ImportUpload.objects.filter(pk=upload.pk).update(rows_checked=rows)

    try:
        return import_upload_check(upload, progress=note_progress)
    except Exception as error:
        ImportUpload.objects.filter(pk=upload.pk).update(
            state=ImportUpload.State.FAILED,
            report={"file_problems": [f"The check stopped ({type(error).__name__}); upload the file again."]},
        )
        raise


def import_upload_of(user, pk, fmt):
    """Upload `pk`, when `user` uploaded it in format `fmt`; a ValidationError for any other id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ValidationError(UNKNOWN_UPLOAD) from None
    upload = None
    if user is not None and user.is_authenticated:
        upload = ImportUpload.objects.filter(pk=pk, uploaded_by=user, format=fmt).first()
    if upload is None:
        raise ValidationError(UNKNOWN_UPLOAD)
    return upload


def import_upload_report(upload):
    """What the check of an upload found, or None while it is being checked."""
    if upload.state == ImportUpload.State.CHECKING:
        return None
    return engine.Report.from_json(upload.format, upload.report)


def import_upload_confirm(upload, user):
    """Record a checked upload of `user` as an import batch, ready to run: the batch takes over its file."""
    if upload.uploaded_by_id != getattr(user, "pk", None):
        raise ValidationError(UNKNOWN_UPLOAD)
    report = import_upload_report(upload)
    if report is None:
        raise ValidationError("The file is still being checked; confirm it once its check is done.")
    if report.relinked_events and not user_can_moderate(user):
        raise ValidationError(engine.RELINK_REFUSED)
    if not report.ok:
        raise ValidationError(
            "This file cannot be imported: its check found the problems listed on its page."
        )
    sha256 = hashlib.sha256()
    with import_storage().open(upload.stored_name, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            sha256.update(chunk)
    with transaction.atomic():
        # Only one confirmation takes the upload over, however many are sent at once.
        taken, _by_model = ImportUpload.objects.filter(pk=upload.pk).delete()
        if not taken:
            raise ValidationError(UNKNOWN_UPLOAD)
        batch = ImportBatch.objects.create(
            format=upload.format,
            file_name=upload.file_name,
            sha256=sha256.hexdigest(),
            size=upload.size,
            stored_name=upload.stored_name,
            strict=upload.strict,
            created_by=user,
        )
    return batch


def import_upload_delete(upload):
    """Forget an upload never confirmed, with its file."""
    import_file_delete(upload.stored_name)
    upload.delete()


def import_uploads_cleanup(max_age=None):
    """Delete uploads older than `max_age` (default: the setting) that were never confirmed, any stored
    upload file of that age left without its row, and what failed batches staged. Returns the counts."""
    if max_age is None:
        max_age = datetime.timedelta(seconds=settings.PEACETRACKER_IMPORT_UPLOAD_MAX_AGE_SECONDS)
    cutoff = timezone.now() - max_age
    uploads = 0
    for upload in ImportUpload.objects.filter(created_at__lt=cutoff):
        import_upload_delete(upload)
        uploads += 1
    storage = import_storage()
    try:
        _folders, files = storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        files = []
    kept = {*ImportUpload.objects.values_list("stored_name", flat=True)}
    kept |= {*ImportBatch.objects.exclude(stored_name="").values_list("stored_name", flat=True)}
    orphans = 0
    for name in files:
        path = f"{UPLOAD_FOLDER}/{name}"
        if path not in kept and storage.get_modified_time(path) < cutoff:
            storage.delete(path)
            orphans += 1
    # A batch that may still run (queued, running, interrupted) keeps its staged rows: it resumes from them.
    finished = [ImportBatch.State.DONE, ImportBatch.State.FAILED, ImportBatch.State.ROLLED_BACK]
    staged, _by_model = StagedEvent.objects.filter(batch__state__in=finished).delete()
    return {"uploads": uploads, "files": orphans, "staged rows": staged}


def import_batch_create(data, file_name, fmt, user=None, strict=False):
    """Record a confirmed file given as bytes (the command's), stored until it has run; refuses a file over
    the size limit."""
    engine.file_size_check(len(data))
    return ImportBatch.objects.create(
        format=fmt,
        file_name=control_characters_removed(file_name)[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        stored_name=import_file_store(ContentFile(data)),
        strict=strict,
        created_by=user if user is not None and user.is_authenticated else None,
    )


def import_batch_progress(batch):
    """Rows read so far: noted in the state cache every chunk, ahead of the rows staged in the database."""
    if batch.state == ImportBatch.State.RUNNING:
        return state_cache().get(PROGRESS_KEY.format(batch.pk), batch.rows_done)
    return batch.rows_done


def import_batch_heartbeat(batch_pk):
    """Note in the state cache that a batch's import is alive."""
    state_cache().set(HEARTBEAT_KEY.format(batch_pk), timezone.now().timestamp(), timeout=24 * 3600)


def import_batches_interrupted_mark():
    """Mark as interrupted every running batch silent for longer than the stale-after setting; their pks."""
    now = timezone.now()
    stale_after = datetime.timedelta(seconds=settings.PEACETRACKER_IMPORT_STALE_SECONDS)
    interrupted = []
    running = ImportBatch.objects.filter(state=ImportBatch.State.RUNNING).values_list("pk", "started_at")
    cache = state_cache()
    for pk, started_at in running:
        beat = cache.get(HEARTBEAT_KEY.format(pk))
        alive_at = datetime.datetime.fromtimestamp(beat, datetime.UTC) if beat else started_at
        if alive_at is not None and now - alive_at <= stale_after:
            continue
        marked = ImportBatch.objects.filter(pk=pk, state=ImportBatch.State.RUNNING).update(
            state=ImportBatch.State.INTERRUPTED,
            rows_done=cache.get(PROGRESS_KEY.format(pk), F("rows_done")),
            finished_at=now,
        )
        if marked:
            interrupted.append(pk)
    return interrupted


def import_batch_requeue(batch):
    """Put an interrupted batch back in the queue, to be imported again from the file it keeps: the rows it
    staged before it stopped are kept, and the import resumes after them."""
    requeued = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.INTERRUPTED).update(
        state=ImportBatch.State.QUEUED, started_at=None, finished_at=None, rows_done=0
    )
    if not requeued:
        batch.refresh_from_db(fields=["state"])
        raise ValidationError(
            f"Import batch {batch.pk} is {batch.get_state_display()}; only an interrupted import runs again."
        )
    state_cache().delete_many([key.format(batch.pk) for key in (PROGRESS_KEY, HEARTBEAT_KEY)])
    batch.refresh_from_db()
    return batch


def import_batch_run(batch, progress=None, count_rows=False):
    """Run a recorded batch through the engine, then publish what it staged together with its outcome and
    audit entry, in one transaction, and retire cached pages.

    The file is read and staged outside any long transaction (see `engine`). Events already imported that
    the file moves to another organisation need a moderator: for anyone else the batch fails, unwritten.
    """
    batch.refresh_from_db()
    storage = import_storage()
    rows_total = None
    if count_rows:
        with storage.open(batch.stored_name, "rb") as stream:
            rows_total = engine.csv_record_count(stream)
    started_at = timezone.now()
    # Only one run claims a queued batch, even when the task and the command race for it.
    started = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.QUEUED).update(
        state=ImportBatch.State.RUNNING, rows_total=rows_total, started_at=started_at
    )
    if not started:
        batch.refresh_from_db(fields=["state"])
        raise ValidationError(f"Import batch {batch.pk} is {batch.get_state_display()}; it cannot run again.")
    batch.state, batch.rows_total, batch.started_at = ImportBatch.State.RUNNING, rows_total, started_at
    key = PROGRESS_KEY.format(batch.pk)
    import_batch_heartbeat(batch.pk)
    cache = state_cache()

    def report_progress(rows):
        cache.set(key, rows, timeout=24 * 3600)
        import_batch_heartbeat(batch.pk)
        if progress:
            progress(rows)

    user = batch.created_by
    try:
        with storage.open(batch.stored_name, "rb") as stream:
            report = engine.clash_file_import(
                stream,
                batch.format,
                batch,
                user=user,
                strict=batch.strict,
                progress=report_progress,
                # The command run without --user is the server's operator.
                relink_allowed=user is None or user_can_moderate(user),
            )
        with transaction.atomic():
            if report.ok and batch.format == ImportBatch.Format.ACLED:
                try:
                    engine.staged_events_publish(batch, report, getattr(user, "pk", None))
                except engine.ImportConflict as error:
                    report.file_problems.append(str(error))
            _batch_outcome_save(batch, report)
    except Exception as error:
        # Nothing is published; the batch must not be left looking as if it were still running.
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.FAILED,
            finished_at=timezone.now(),
            report={"file_problems": [f"The import stopped ({type(error).__name__}); nothing was written."]},
        )
        _batch_files_clear(batch)
        raise
    _batch_files_clear(batch)
    cache.delete_many([key, HEARTBEAT_KEY.format(batch.pk)])
    if report.ok:
        cache_generation_bump()
    return report


def _batch_outcome_save(batch, report):
    batch.rows_done = report.rows
    batch.created_count = report.created
    batch.updated_count = report.updated
    batch.unchanged_count = report.unchanged
    batch.invalid_count = report.invalid
    batch.missing_count = report.missing
    batch.report = report.as_json()
    batch.finished_at = timezone.now()
    batch.state = ImportBatch.State.DONE if report.ok else ImportBatch.State.FAILED
    batch.save()
    if report.ok:
        moderation_event_record(
            batch,
            batch.created_by,
            ModerationEvent.Action.IMPORTED,
            comment=" ".join(report.summary_lines()[:1]),
        )


def _batch_files_clear(batch):
    """Forget what a batch that has run kept to run: its file and the rows it staged."""
    engine.staged_events_clear(batch)
    import_file_delete(batch.stored_name)
    ImportBatch.objects.filter(pk=batch.pk).update(stored_name="")
    batch.stored_name = ""


def import_batch_rollback(batch, user):
    """Undo a whole batch: delete what it created and restore what it changed, as an audited change."""
    if not user_can_moderate(user):
        raise PermissionDenied("Only moderators can roll back an import.")
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != ImportBatch.State.DONE:
            raise ValidationError(
                f"This import is {batch.get_state_display()}; only a finished import can be rolled back."
            )
        later = sum(_changed_since(model, batch) for model in ROLLBACK_MODELS)
        if later:
            raise ValidationError(
                f"{later} rows this import wrote have changed since (by a later import or an edit); "
                "roll back the later import or undo the edit first."
            )
        reason = f"Rollback of import batch {batch.pk}"
        for model in ROLLBACK_MODELS:
            _rollback_model(model, batch, user, reason)
        batch.state = ImportBatch.State.ROLLED_BACK
        batch.rolled_back_at = timezone.now()
        batch.rolled_back_by = user
        batch.save()
        moderation_event_record(batch, user, ModerationEvent.Action.REVERTED, comment=reason)
    cache_generation_bump()
    return batch


def _batch_history(model, batch):
    return model.history.model.objects.filter(batch.history_written)


def _changed_since(model, batch):
    """How many rows this batch wrote were changed afterwards, not counting later batches already undone."""
    rows = _batch_history(model, batch)
    first = rows.order_by("history_id").values_list("history_id", flat=True).first()
    if first is None:
        return 0
    undone = ImportBatch.objects.filter(pk__gt=batch.pk, state=ImportBatch.State.ROLLED_BACK)
    ignored = batch.history_written
    for undone_batch in undone.only("pk"):
        rollback = Q(history_change_reason=f"Rollback of import batch {undone_batch.pk}")
        ignored |= undone_batch.history_written | rollback
    touched = list(rows.values_list("id", flat=True).distinct())
    later = 0
    for part in engine.chunks(touched):
        later += (
            model.history.model.objects.filter(id__in=part, history_id__gt=first)
            .exclude(ignored)
            .exclude(history_change_reason__startswith="Before import batch")
            .values("id")
            .distinct()
            .count()
        )
    return later


def _previous_versions(model, batch, ids):
    """For each id, its latest history row from before this batch."""
    history = model.history.model
    first = _batch_history(model, batch).order_by("history_id").values_list("history_id", flat=True).first()
    previous = {}
    for part in engine.chunks(ids):
        for row in history.objects.filter(id__in=part, history_id__lt=first).order_by("id", "-history_id"):
            previous.setdefault(row.id, row)
    return previous


def _rollback_model(model, batch, user, reason):
    rows = _batch_history(model, batch)
    created = list(rows.filter(history_type="+").values_list("id", flat=True))
    updated = list(rows.filter(history_type="~").values_list("id", flat=True).distinct())
    user_id = getattr(user, "pk", None)
    if model is ClashEvent:
        # Events can be many: they are copied to history and deleted in SQL, without per-row signals.
        existing = list(ClashEvent.objects.filter(pk__in=created).values_list("pk", flat=True))
        if existing:
            engine.history_snapshot(ClashEvent, "id", existing, "-", reason, user_id)
            with connection.cursor() as cursor:
                for part in engine.chunks(existing):
                    marks = ", ".join(["%s"] * len(part))
                    cursor.execute(
                        f"DELETE FROM {engine.quote(ClashEvent._meta.db_table)} WHERE id IN ({marks})", part
                    )
    else:
        for obj in model.objects.filter(pk__in=created):
            obj._change_reason = reason
            obj._history_user = user
            obj.delete()
    previous = _previous_versions(model, batch, updated)
    if not previous:
        return
    history = model.history.model
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    fields = [
        f.attname
        for f in history._meta.concrete_fields
        if f.name not in own and f.attname not in own and f.primary_key is False and f.attname != "id"
    ]
    if model is ClashEvent:
        objects = [
            ClashEvent(pk=pk, **{name: getattr(row, name) for name in fields}) for pk, row in previous.items()
        ]
        ClashEvent.objects.bulk_update(objects, fields, batch_size=engine.CHUNK)
        engine.history_snapshot(ClashEvent, "id", list(previous), "~", reason, user_id)
        return
    for pk, row in previous.items():
        obj = model.objects.get(pk=pk)
        for name in fields:
            if name != "version":
                setattr(obj, name, getattr(row, name))
        obj._change_reason = reason
        obj._history_user = user
        obj.save()
