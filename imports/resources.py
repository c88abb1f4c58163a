"""django-import-export's side of the admin import: the formats and resources its import pages offer.

The library's own row-by-row import is far too slow for ACLED files (see bench/imports.py), and its
confirm step reads back a file by a name the browser sends; the admin (`admin.ClashImportMixin`) keeps the
library's pages and permissions but stores, checks and imports files through this app's services.
"""

from import_export import resources
from import_export.formats.base_formats import Format

from orgs.models import ClashEvent, ClashFigure

from .models import ImportBatch


class ClashCSVFormat(Format):
    """A CSV format read by the import engine rather than by tablib."""

    title = ""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return self.title

    def get_extension(self):
        return "csv"

    def get_content_type(self):
        return "text/csv"

    def can_import(self):
        return True


class AcledCSV(ClashCSVFormat):
    title = "ACLED events (CSV)"


class TalliesCSV(ClashCSVFormat):
    title = "Reported tallies (CSV)"


class ClashResource(resources.ModelResource):
    """A clash model as the import pages name it, with the engine's format for it."""

    import_format = None


class ClashEventResource(ClashResource):
    import_format = ImportBatch.Format.ACLED

    class Meta:
        model = ClashEvent
        name = "ACLED events"


class ClashFigureResource(ClashResource):
    import_format = ImportBatch.Format.TALLIES

    class Meta:
        model = ClashFigure
        name = "Reported tallies"
