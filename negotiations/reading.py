"""What the meetings list and exports read, stored on each meeting and kept current on every write it
depends on.

A meeting's participants as readers may see them (`public_participant_names`), and its representatives
worked out from them (its organisation's and the government's side, as the list shows them), depend on
its participant rows and on the people and bodies they name. Both are stored per language on the meeting
(`participant_names_<language>`, `representatives_<language>`) by `meeting_representatives_refresh`,
which the saves and deletes of those rows call in their own transaction (`reading_connect`), and which
bulk writes that send no signals (the synthetic data) or load fixtures (`load_seed`, `restore`) call once
they are done (`manage.py rebuild_reading_data`).
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from orgs.models import Organisation, Person

from .models import Meeting, MeetingParticipant
from .selectors import public_participant_names, representatives_of

BATCH = 500


def stored_fields(language):
    """The meeting's fields read in `language`: its representatives and its participants' names."""
    return (
        build_localized_fieldname("representatives", language),
        build_localized_fieldname("participant_names", language),
    )


def meeting_representatives_refresh(meeting_ids, using=None):
    """Store the participants' names and the representatives of these meetings, in every language: one
    query per language and batch, and one bulk update. A meeting that no longer exists is skipped."""
    ids = sorted(set(meeting_ids))
    fields = [field for language, _name in settings.LANGUAGES for field in stored_fields(language)]
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        meetings = {pk: Meeting(pk=pk) for pk in batch}
        for language, _name in settings.LANGUAGES:
            representatives_field, names_field = stored_fields(language)
            with translation.override(language):
                names = public_participant_names(batch, using)
                representatives = representatives_of(names, batch)
            for pk, meeting in meetings.items():
                setattr(meeting, representatives_field, representatives[pk])
                setattr(meeting, names_field, [list(pair) for pair in names.get(pk, ())])
        Meeting.objects.db_manager(using).bulk_update(meetings.values(), fields)


def rebuild_all(using=None):
    """Store every meeting's representatives afresh."""
    meetings = Meeting.objects.db_manager(using).order_by().values_list("pk", flat=True)
    meeting_representatives_refresh(meetings, using)


# Rows loaded from a fixture (`raw`) are skipped: `load_seed` and `restore` rebuild once they are loaded.


def _meeting_saved(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        meeting_representatives_refresh([instance.pk], using)


def _participant_changed(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        meeting_representatives_refresh([instance.meeting_id], using)


def _named_record_saved(sender, instance, raw=False, using=None, **kwargs):
    """A person or body renamed, published or unpublished: every meeting it sat at."""
    if raw:
        return
    field = "person" if sender is Person else "body"
    participants = MeetingParticipant.objects.db_manager(using).filter(**{field: instance.pk})
    meeting_representatives_refresh(participants.values_list("meeting_id", flat=True), using)


def reading_connect():
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="reading_meeting_saved")
    post_save.connect(
        _participant_changed, sender=MeetingParticipant, dispatch_uid="reading_participant_saved"
    )
    post_delete.connect(
        _participant_changed, sender=MeetingParticipant, dispatch_uid="reading_participant_deleted"
    )
    for model in (Person, Organisation):
        label = model._meta.label_lower
        post_save.connect(_named_record_saved, sender=model, dispatch_uid=f"reading_{label}_saved")
