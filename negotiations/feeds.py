"""The Atom feed of the latest published statements."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from peacetracker.dates import DatePrecision

from .views import latest_statements

FEED_LENGTH = 50


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
        response = super().__call__(request, *args, **kwargs)
        # The feed generator writes the document in a few thousand pieces; joined into one, it is stored
        # in the page cache, read back and sent as one piece rather than thousands.
        response.content = response.content
        return response

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
