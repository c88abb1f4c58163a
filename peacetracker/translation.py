"""Registration of content models for English and Burmese text, with their version history kept in step."""

from django.conf import settings
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from modeltranslation.translator import TranslationOptions, translator
from modeltranslation.utils import build_localized_fieldname, resolution_order
from simple_history.models import transform_field


def _history_translation_fields(model, field_names):
    """Give the model's historical model a plain column for every language version of the fields.

    django-simple-history builds the historical model when the model class is created, before
    modeltranslation adds the `_en`/`_my` columns, so they are added here: each version then records
    both languages and reverting restores both.
    """
    history = model.history.model
    tracked = history.tracked_fields
    added = []
    for field_name in field_names:
        for language, _name in settings.LANGUAGES:
            name = build_localized_fieldname(field_name, language)
            field = model._meta.get_field(name)
            _name, path, args, kwargs = field.deconstruct()
            column = import_string(path)(*args, **kwargs)
            column.set_attributes_from_name(name)
            transform_field(column)
            column.contribute_to_class(history, name)
            tracked.append(field)
            added.append(name)

    original_instance = history.instance.fget

    def instance(record):
        restored = original_instance(record)
        for name in added:
            setattr(restored, name, getattr(record, name))
        return restored

    history.instance = property(instance)


def content_register(model, field_names):
    """Translate these reader-facing fields of a model and its history; `editor_note` too if it has one."""
    names = tuple(field_names)
    if any(field.name == "editor_note" for field in model._meta.fields):
        names += ("editor_note",)
    options = type(f"{model.__name__}TranslationOptions", (TranslationOptions,), {"fields": names})
    translator.register(model, options)
    if hasattr(model, "history"):
        _history_translation_fields(model, names)


def any_language(field, lookup, value):
    """A condition met when any language version matches: `any_language("person__name", "icontains", "Gun")`.

    Left alone, modeltranslation would match only the reader's language, so a Burmese reader searching
    an English name (or the other way round) would find nothing.
    """
    path, _sep, name = field.rpartition("__")
    prefix = f"{path}__" if path else ""
    condition = Q()
    for language, _name in settings.LANGUAGES:
        condition |= Q(**{f"{prefix}{build_localized_fieldname(name, language)}__{lookup}": value})
    return condition


def as_shown(field, output_field=None):
    """The text a reader of the current language sees, as an expression: `order_by(as_shown("place").asc())`.

    Left alone, modeltranslation would order by the reader's language alone, so Burmese pages would sort
    every place without a Burmese name as if it were empty, though they show its English name.
    """
    versions = [
        NullIf(F(build_localized_fieldname(field, language)), Value(""), output_field=output_field)
        for language in resolution_order(get_language())
    ]
    return Coalesce(*versions, output_field=output_field) if len(versions) > 1 else versions[0]


def translated_columns(*fields):
    """Every language's column of each field: `only(*translated_columns("place"))`."""
    return [
        build_localized_fieldname(field, language)
        for field in fields
        for language, _name in settings.LANGUAGES
    ]


def shown_columns(*fields):
    """Each field's columns, in the order a reader of the current language is shown them.

    For reading plain values: `columns = shown_columns("place")`, `values(*columns["place"])`, then
    `shown_text(row, columns["place"])` for each row.
    """
    languages = resolution_order(get_language())
    return {field: [build_localized_fieldname(field, language) for language in languages] for field in fields}


def shown_text(row, columns):
    """From a row of plain values: the text as shown, and whether it is a fallback's (English)."""
    for index, column in enumerate(columns):
        if text := row[column]:
            return text, index > 0
    return "", False
