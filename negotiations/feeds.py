"""The Atom feed of the latest published statements."""

import datetime

from django.contrib.syndication.views import Feed
from django.core.cache.utils import make_template_fragment_key
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orgs.context_processors import fragment_generation
from peacetracker.cache import page_cache
from peacetracker.dates import DatePrecision

from .views import latest_statements

FEED_LENGTH = 50
FEED_KEPT = 3600  # seconds, as the fragments
KEPT_HEADERS = ("Content-Type", "Last-Modified")


class LatestStatementsFeed(Feed):
    """The latest 50 published statements of published organisations, newest first, undated last.

    An entry's <published> is the statement's date only when it is known to the day; <updated> is when
    the entry last changed here, so no day is ever invented.
    """

    feed_type = Atom1Feed
    title = _("PeaceTracker: statements")
    subtitle = _("What the organisations in the peace process said in public, as reviewed and published.")
    link = reverse_lazy("negotiations:statement-list")
    feed_url = reverse_lazy("negotiations:statement-feed")
    author_name = "PeaceTracker"

    def __call__(self, request, *args, **kwargs):
        """The feed, kept like a list's page of rows: keyed on the ids of its entries (read on every
        request), the content generation, the language and the address it is served at (its links are
        absolute)."""
        ids = list(self.items().values_list("pk", flat=True))
        served = [fragment_generation(), get_language(), request.get_host(), request.is_secure(), ids]
        key = make_template_fragment_key("statement-feed", served)
        cache = page_cache()
        kept = cache.get(key)
        if kept is None:
            response = super().__call__(request, *args, **kwargs)
            # The feed generator writes the document in a few thousand pieces, joined here into one.
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            kept = (response.content, headers)
            cache.set(key, kept, FEED_KEPT)
        content, headers = kept
        return HttpResponse(content, headers=headers)

    def items(self):
        return latest_statements()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_absolute_url()

    def item_description(self, item):
        facts = [item.display_date or _("Date not given"), item.get_kind_display()]
        if item.speaker and item.speaker.is_published:
            facts.append(str(item.speaker))
        parts = [format_html("<p>{}</p>", " · ".join(str(fact) for fact in facts))]
        shown = (item.summary, item.quote if item.shows_quote else "")
        parts += [format_html("<p>{}</p>", text) for text in shown if text]
        return format_html_join("", "{}", ((part,) for part in parts))

    def item_author_name(self, item):
        return str(item.organisation)

    def item_categories(self, item):
        return [item.get_kind_display()]

    def item_pubdate(self, item):
        if item.date is None or item.date_precision != DatePrecision.DAY:
            return None
        return datetime.datetime.combine(item.date, datetime.time.min, tzinfo=datetime.UTC)

    def item_updateddate(self, item):
        return item.updated_at or item.created_at
