"""The search index: one row per published item readers may find, with what is matched and shown."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One item readers may see, as search matches it (`document`) and quotes it (`text_en`, `text_my`).

    Written only by `search.services`; an item that is not public has no entry. On SQLite an FTS5 table
    (trigram tokenizer) mirrors `document` through triggers; on PostgreSQL `document` has a trigram GIN
    index and a stored full-text vector (see the migration).

    The id is the order results are listed in when there are too many to rank: by kind, then newest
    first (see `entry_id`). A kind, or a kind in one year, is then a range of ids, and the first matches
    in a range are found without reading every match.
    """

    class Kind(models.TextChoices):
        ORGANISATION = "organisations", _("Organisations")
        PERSON = "people", _("People")
        MEETING = "meetings", _("Meetings")
        AGREEMENT = "agreements", _("Agreements")
        STATEMENT = "statements", _("Statements")

    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("item"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    names = models.TextField(
        _("names"), help_text=_("Every name, acronym and alias in both languages, casefolded, one a line.")
    )
    document = models.TextField(_("document"), help_text=_("Everything matched, casefolded."))
    text_en = models.TextField(_("text (English)"), blank=True)
    text_my = models.TextField(_("text (Burmese)"), blank=True)
    line_en = models.TextField(
        _("result line (English)"),
        blank=True,
        help_text=_(
            "The item's result line as the search page shows it, rendered when the entry is written."
        ),
    )
    line_my = models.TextField(_("result line (Burmese)"), blank=True)

    class Meta:
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_id}"


class SearchName(models.Model):
    """One of an entry's names, casefolded: for finding an item named exactly by a query, or one whose
    name starts with a query too short to search the texts."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="name_rows")
    name = models.CharField(_("name"), max_length=300, db_index=True)

    class Meta:
        verbose_name_plural = _("search names")

    def __str__(self):
        return self.name
