"""Import batches: recording a confirmed file, running it through the engine, and rolling it back."""

import datetime
import hashlib
import io

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from orgs.models import ClashEvent, ClashFigure
from peacetracker.cache import cache_generation_bump
from peacetracker.models import Citation, ModerationEvent, Source
from peacetracker.services import moderation_event_record, user_can_moderate

from . import engine
from .models import ImportBatch

IMPORT_PERMISSION = "imports.import_clashes"
PROGRESS_KEY = "imports:progress:{}"
HEARTBEAT_KEY = "imports:heartbeat:{}"
# Rolled back in this order, so that citations go before the figures and sources they join.
ROLLBACK_MODELS = [Citation, ClashEvent, ClashFigure, Source]


def user_can_import(user):
    return bool(user and user.is_active and user.has_perm(IMPORT_PERMISSION))


def import_batch_create(data, file_name, fmt, user=None, strict=False):
    """Record a confirmed file, waiting to be run; refuses a file over the size limit."""
    engine.file_size_check(len(data))
    return ImportBatch.objects.create(
        format=fmt,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        strict=strict,
        created_by=user if user is not None and user.is_authenticated else None,
    )


def import_batch_progress(batch):
    """Rows done so far: kept in the shared cache, since the import's own transaction hides its writes."""
    if batch.state == ImportBatch.State.RUNNING:
        return cache.get(PROGRESS_KEY.format(batch.pk), batch.rows_done)
    return batch.rows_done


def import_batch_heartbeat(batch_pk):
    """Note that a batch's import is alive: in the shared cache, since its transaction hides its writes."""
    cache.set(HEARTBEAT_KEY.format(batch_pk), timezone.now().timestamp(), timeout=24 * 3600)


def import_batches_interrupted_mark():
    """Mark as interrupted every running batch silent for longer than the stale-after setting; their pks."""
    now = timezone.now()
    stale_after = datetime.timedelta(seconds=settings.PEACETRACKER_IMPORT_STALE_SECONDS)
    interrupted = []
    running = ImportBatch.objects.filter(state=ImportBatch.State.RUNNING).values_list("pk", "started_at")
    for pk, started_at in running:
        beat = cache.get(HEARTBEAT_KEY.format(pk))
        alive_at = datetime.datetime.fromtimestamp(beat, datetime.UTC) if beat else started_at
        if alive_at is not None and now - alive_at <= stale_after:
            continue
        marked = ImportBatch.objects.filter(pk=pk, state=ImportBatch.State.RUNNING).update(
            state=ImportBatch.State.INTERRUPTED,
            rows_done=cache.get(PROGRESS_KEY.format(pk), 0),
            finished_at=now,
        )
        if marked:
            interrupted.append(pk)
    return interrupted


def import_batch_requeue(batch):
    """Put an interrupted batch back in the queue, to be imported again from the file it keeps."""
    requeued = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.INTERRUPTED).update(
        state=ImportBatch.State.QUEUED, started_at=None, finished_at=None, rows_done=0
    )
    if not requeued:
        batch.refresh_from_db(fields=["state"])
        raise ValidationError(
            f"Import batch {batch.pk} is {batch.get_state_display()}; only an interrupted import runs again."
        )
    for key in (PROGRESS_KEY, HEARTBEAT_KEY):
        cache.delete(key.format(batch.pk))
    batch.refresh_from_db()
    return batch


def import_batch_run(batch, progress=None, count_rows=False):
    """Run a recorded batch through the engine, then record the outcome, audit it and retire cached pages."""
    batch.refresh_from_db()
    data = bytes(batch.data)
    rows_total = engine.csv_record_count(io.BytesIO(data)) if count_rows else None
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

    def report_progress(rows):
        cache.set(key, rows, timeout=24 * 3600)
        import_batch_heartbeat(batch.pk)
        if progress:
            progress(rows)

    try:
        report = engine.clash_file_import(
            io.BytesIO(data),
            batch.format,
            batch,
            user=batch.created_by,
            strict=batch.strict,
            progress=report_progress,
        )
    except Exception as error:
        # The transaction is undone; the batch must not be left looking as if it were still running.
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.FAILED,
            finished_at=timezone.now(),
            report={"file_problems": [f"The import stopped ({type(error).__name__}); nothing was written."]},
        )
        raise
    batch.rows_done = report.rows
    batch.created_count = report.created
    batch.updated_count = report.updated
    batch.unchanged_count = report.unchanged
    batch.invalid_count = report.invalid
    batch.missing_count = report.missing
    batch.report = report.as_json()
    batch.finished_at = timezone.now()
    batch.state = ImportBatch.State.DONE if report.ok else ImportBatch.State.FAILED
    batch.data = b""
    with transaction.atomic():
        batch.save()
        if report.ok:
            moderation_event_record(
                batch,
                batch.created_by,
                ModerationEvent.Action.IMPORTED,
                comment=" ".join(report.summary_lines()[:1]),
            )
    cache.delete_many([key, HEARTBEAT_KEY.format(batch.pk)])
    if report.ok:
        cache_generation_bump()
    return report


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
    return model.history.model.objects.filter(history_change_reason=batch.change_reason)


def _changed_since(model, batch):
    """How many rows this batch wrote were changed afterwards, not counting later batches already undone."""
    rows = _batch_history(model, batch)
    first = rows.order_by("history_id").values_list("history_id", flat=True).first()
    if first is None:
        return 0
    undone = ImportBatch.objects.filter(pk__gt=batch.pk, state=ImportBatch.State.ROLLED_BACK)
    ignored = [batch.change_reason]
    for pk in undone.values_list("pk", flat=True):
        ignored += [f"Import batch {pk}", f"Rollback of import batch {pk}"]
    touched = list(rows.values_list("id", flat=True).distinct())
    later = 0
    for part in engine.chunks(touched):
        later += (
            model.history.model.objects.filter(id__in=part, history_id__gt=first)
            .exclude(history_change_reason__in=ignored)
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
