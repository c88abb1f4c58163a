"""Reader-facing text in the reader's language; English, marked, where no translation exists yet."""

import re
from decimal import Decimal

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import get_template
from django.urls import get_script_prefix, translate_url
from django.utils import numberformat
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language_from_path, get_language_info
from modeltranslation.utils import build_localized_fieldname
from modeltranslation.utils import get_language as reader_language

from peacetracker.dates import DatePrecision, format_partial_date
from peacetracker.numerals import digits_localize

register = template.Library()

# Grouped by thousands with a comma, as `intcomma` does in English and CLDR's Burmese pattern (#,##0) does:
# Django has no Burmese number formats, so `intcomma` would not group at all under /my/.
GROUPING = {"decimal_sep": ".", "grouping": 3, "thousand_sep": ",", "force_grouping": True}

# Tags and character references in translated HTML (`&#x27;` in an escaped query) keep their digits.
MARKUP = re.compile(r"(<[^>]*>|&#?[0-9A-Za-z]+;)")


def _versions(obj, field):
    """The text in the active language, and the English text it falls back to when that is empty."""
    language = reader_language()
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    text = getattr(obj, build_localized_fieldname(field, language), None)
    if text or language == default:
        return text or "", False
    return getattr(obj, build_localized_fieldname(field, default), None) or "", True


# How `tr`, `tr_prose` and `fallback_html` mark English standing in for a missing translation; the page's
# `{% english_notice %}` looks for it in what it rendered, cached fragments included. Text put on a page
# is escaped, so no content can write this mark itself.
FALLBACK_MARK = 'class="fallback"'


@register.filter
def tr(obj, field):
    """One line of text, e.g. `{{ meeting|tr:"place" }}`; English standing in is marked."""
    text, fallback = _versions(obj, field)
    if not fallback or not text:
        return conditional_escape(text)
    return fallback_html(text)


def fallback_html(text):
    """English text standing in for a missing translation, escaped and marked `lang="en"` (and noted once
    by the page's `{% english_notice %}`)."""
    return format_html('<span lang="en" class="fallback">{}</span>', text)


@register.filter
def tr_name(obj, field):
    """A name, e.g. `{{ team|tr_name:"name" }}`: English standing in is marked `lang="en"`, not noted."""
    text, fallback = _versions(obj, field)
    if not fallback or not text:
        return conditional_escape(text)
    return format_html('<span lang="en">{}</span>', text)


@register.filter
def tr_prose(obj, field):
    """Paragraphs of text, e.g. `{{ organisation|tr_prose:"summary" }}`, as `linebreaks` would render them."""
    text, fallback = _versions(obj, field)
    if not text:
        return ""
    paragraphs = linebreaks_filter(text, autoescape=True)
    if not fallback:
        return paragraphs
    return format_html('<div lang="en" class="fallback">{}</div>', paragraphs)


class EnglishNoticeNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        html = self.nodelist.render(context)
        if FALLBACK_MARK not in html or reader_language() == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
            return html
        heading, end, rest = html.partition("</h1>")
        before, after = (heading + end, rest) if end else ("", html)
        # Both parts are pieces of the output just rendered, so already escaped.
        placed = {"before": mark_safe(before), "after": mark_safe(after)}
        return get_template("includes/_english_notice_placed.html").render(placed)


@register.tag
def english_notice(parser, token):
    """`{% english_notice %}…{% endenglish_notice %}`: the content, with a note (`_english_notice.html`)
    after its heading (its first `</h1>`) saying that parts of it are in English when any `tr`, `tr_prose`
    or `fallback_html` inside it showed English standing in for the reader's language: said once for the
    page, not after every such text."""
    nodelist = parser.parse(("endenglish_notice",))
    parser.delete_first_token()
    return EnglishNoticeNode(nodelist)


@register.simple_tag(takes_context=True)
def page_in_languages(context):
    """This page with its query string in each language: code, own name, path, absolute URL, current."""
    request = context.get("request")
    if request is None:
        return []
    current = reader_language()
    path = request.get_full_path()
    # Paths are the same in every language but for the prefix: swapping it is `translate_url` without
    # resolving the path and reversing it once per language.
    prefix = f"{get_script_prefix()}{current}/"
    versions = []
    for code, _name in settings.LANGUAGES:
        if path.startswith(prefix):
            url = f"{get_script_prefix()}{code}/{path.removeprefix(prefix)}"
        else:
            url = translate_url(path, code)
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def page_without_language(context):
    """This page's absolute URL without a language prefix, which redirects by the browser's language."""
    request = context.get("request")
    if request is None:
        return ""
    prefix = get_language_from_path(request.path_info)
    path = request.get_full_path()
    if prefix:
        path = path.replace(f"/{prefix}/", "/", 1)
    return request.build_absolute_uri(path)


@register.filter
def day_date(value, english_format="j F Y"):
    """A day in the reader's language; `{{ day|day_date:"j M Y" }}` keeps that form in English."""
    if not value:
        return ""
    language = reader_language()
    if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return date_format(value, english_format)
    return format_partial_date(value, DatePrecision.DAY)


@register.filter(is_safe=True)
def num(value, style="grouped"):
    """A number, or text with numbers, in the reader's digits, grouped in thousands unless "plain"."""
    if value is None or value == "":
        return value
    if style != "plain" and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        value = numberformat.format(value, **GROUPING)
    if not isinstance(value, SafeData):
        return digits_localize(str(value))
    parts = MARKUP.split(value)
    return "".join(part if index % 2 else digits_localize(part) for index, part in enumerate(parts))
