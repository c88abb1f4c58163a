"""Reads of the search index: ranked matches grouped by kind, and the snippet quoting where they matched.

One service for both databases. Every word of a query (at most `MAX_TERMS`) must occur in an item's
names or texts, in either language, as a substring: Burmese is written without spaces between words, so
a word is found inside a longer one. Each kind is a range of entry ids (see `SearchEntry`), read in id
order (newest first) up to a limit. Within a kind, an item named exactly by the query comes first; then,
where the kind has at most `RANK_LIMIT` matches, the most relevant; where it has more, the newest.

- SQLite: an FTS5 table tokenized in trigrams finds the words; the words' occurrences rank.
- PostgreSQL: a trigram GIN index finds the words (LIKE '%…%'); the stored full-text vector's `ts_rank`
  and the trigram similarity of the names rank.

Words shorter than three characters are too short for trigrams and would match nearly everything: a
query made only of them finds organisations and people with a name, acronym or alias starting with it.
"""

import math
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connections
from django.db.models import FloatField, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language

from peacetracker.text import control_characters_removed, text_normalised

from .models import SearchEntry, SearchName
from .services import DAY_SPAN, casefolded, kind_range

Kind = SearchEntry.Kind
MAX_TERMS = 10
SHORTEST_TERM = 3
SNIPPET_BEFORE = 60
SNIPPET_LENGTH = 200
NAME_KINDS = (Kind.ORGANISATION, Kind.PERSON)
COUNT_LIMIT = 1000
RANK_LIMIT = 200
LAST_CHARACTER = chr(0x10FFFF)


@dataclass
class SearchHit:
    """One matching item: its kind and id, and the index entry's text in each language."""

    kind: str
    object_id: int
    text_en: str
    text_my: str
    exact: bool = False
    snippet: list = field(default_factory=list)
    line: str = ""


@dataclass
class SearchResults:
    """A query's ranked hits, up to `limit` of each kind, and how many there are of each kind."""

    terms: list
    hits: dict
    counts: dict
    more: set = field(default_factory=set)

    @property
    def total(self):
        return sum(self.counts.values())


def search_terms(query):
    """The words of a query as the index is matched: normalised, casefolded, without repeats."""
    query = text_normalised(control_characters_removed(query or ""))
    return list(dict.fromkeys(casefolded(query).split()))[:MAX_TERMS]


def _fts5_string(terms):
    """An FTS5 query requiring every term: each one a quoted string (its quotes doubled), so that
    nothing typed (`"`, `*`, `NEAR`, `-`, `)`…) is read as FTS5 syntax."""
    return " AND ".join('"{}"'.format(term.replace('"', '""')) for term in terms)


def _sqlite_matching(long_terms, short_terms, low, high, using, count):
    """The ids in [low, high) of the entries whose document holds every term, in id order, up to `count`
    (all with -1).

    FTS5 reads matches in rowid order and stops at the limit: the first of many matches cost no more
    than the first of a few. Terms too short for trigrams are looked for in the matches' documents.
    """
    table = SearchEntry._meta.db_table
    joined = f" JOIN {table} AS e ON e.id = f.rowid" if short_terms else ""
    short = "".join(" AND instr(e.document, %s) > 0" for _term in short_terms)
    sql = (
        f"SELECT f.rowid FROM search_document AS f{joined} WHERE search_document MATCH %s "
        f"AND f.rowid >= %s AND f.rowid < %s{short} ORDER BY f.rowid LIMIT %s"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [_fts5_string(long_terms), low, high, *short_terms, count])
        return [row[0] for row in cursor.fetchall()]


def _counted_ranked(terms, ids, using):
    """These entries' ids, most relevant first: each term's occurrences in the names (thrice) and in the
    whole document, the phrase as typed counting once more, over the document's length.

    Not FTS5's bm25: to weigh a term it counts the term's matches across the whole table on every query,
    which for a common word written in trigrams is most of the index (60 ms for "synthetic" over the
    synthetic data, where this takes under 2 ms for 200 entries).
    """
    phrase = " ".join(terms)
    scores = {}
    wanted = set(ids)
    # The ids' range rather than `pk__in`: as fast to read, and no list of 200 parameters to prepare.
    entries = SearchEntry.objects.using(using).filter(pk__gte=min(ids), pk__lte=max(ids))
    for pk, names, document in entries.values_list("pk", "names", "document"):
        if pk not in wanted:
            continue
        found = sum(3 * names.count(term) + document.count(term) for term in terms) + document.count(phrase)
        scores[pk] = found / (1 + math.log(1 + len(document)))
    return sorted(ids, key=lambda pk: (-scores.get(pk, 0), pk))


def _orm_matching(terms, ranges, using, count):
    """{(low, high): ids} of the entries in each range whose document holds every term, in id order, up to
    `count` per range (all with None): one query, a UNION ALL of one SELECT per range."""
    selects = []
    for low, high in ranges:
        entries = SearchEntry.objects.using(using).filter(pk__gte=low, pk__lt=high)
        for term in terms:
            entries = entries.filter(document__contains=term)
        selects.append(entries.order_by("pk").values_list("pk", flat=True)[:count])
    found = {bounds: [] for bounds in ranges}
    if not selects:
        return found
    for pk in selects[0].union(*selects[1:], all=True):
        bounds = next(bounds for bounds in ranges if bounds[0] <= pk < bounds[1])
        found[bounds].append(pk)
    return found


def _orm_ranked(phrase, ids, using):
    """These entries' ids, most relevant first: by the trigram similarity of the query to the names and
    the full-text rank of the stored vector (names weighted above the texts; see the migration)."""
    relevance = TrigramWordSimilarity(Value(phrase), "names") + RawSQL(
        f"ts_rank({SearchEntry._meta.db_table}.vector, plainto_tsquery('simple'::regconfig, %s))",
        [phrase],
        output_field=FloatField(),
    )
    entries = SearchEntry.objects.using(using).filter(pk__in=ids)
    return list(
        entries.annotate(relevance=relevance).order_by("-relevance", "pk").values_list("pk", flat=True)
    )


def _named(phrase, using, prefix=False):
    """Ids of the entries with a name equal to the phrase (or starting with it, with `prefix`)."""
    names = SearchName.objects.using(using)
    if prefix:
        # The range lets the database read the names' index; `startswith` keeps only true prefixes.
        names = names.filter(name__gte=phrase, name__lt=phrase + LAST_CHARACTER, name__startswith=phrase)
    else:
        names = names.filter(name=phrase)
    return list(
        dict.fromkeys(names.order_by("entry_id").values_list("entry_id", flat=True)[: COUNT_LIMIT + 1])
    )


def search_matching_ids(query, kinds=None, year=None, using="default"):
    """{kind: ids} of every published item matching `query` as `search_run` matches it, unranked: for
    filtering a list by it (the meetings list's `q` could use `search_matching_ids(q, [Kind.MEETING])`).
    A query without a word of three characters or more matches nothing here."""
    terms = search_terms(query)
    long_terms = [term for term in terms if len(term) >= SHORTEST_TERM]
    if not long_terms:
        return {}
    kinds = kinds or Kind.values
    ranges = {kind: kind_range(kind, year) for kind in kinds}
    matching = _matching(terms, long_terms, list(ranges.values()), using, None)
    # An entry's id ends in its item's id (see `entry_id`).
    return {kind: [pk % DAY_SPAN for pk in matching[ranges[kind]]] for kind in kinds}


def _matching(terms, long_terms, ranges, using, count):
    """{(low, high): ids} of the entries matching every term in each id range, up to `count` per range."""
    if connections[using].vendor != "sqlite":
        return _orm_matching(terms, ranges, using, count)
    short_terms = [term for term in terms if term not in long_terms]
    limit = -1 if count is None else count
    return {
        (low, high): _sqlite_matching(long_terms, short_terms, low, high, using, limit)
        for low, high in ranges
    }


def search_run(query, kinds=None, year=None, limit=5, offset=0, count_limit=COUNT_LIMIT, using="default"):
    """The published items matching `query`, best first: `limit` of each kind (of `kinds`, all by default;
    dated in `year` if given) after the first `offset`, and how many match of each kind, counted up to
    `count_limit` (`SearchResults.more` names the kinds with more).

    An item named exactly by the query comes first; then, where a kind has at most `RANK_LIMIT`
    matches, the most relevant by the database's measure; where it has more, the newest (the index's
    own order, which needs no reading of every match).
    """
    terms = search_terms(query)
    if not terms:
        return SearchResults(terms, {}, {})
    phrase = " ".join(terms)
    long_terms = [term for term in terms if len(term) >= SHORTEST_TERM]
    vendor = connections[using].vendor
    named = set(_named(phrase, using))
    prefixed = [] if long_terms else _named(phrase, using, prefix=True)
    shown, counts, more = {}, {}, set()
    kinds = kinds or Kind.values
    ranges = {kind: kind_range(kind, year) for kind in kinds}
    if long_terms:
        matching = _matching(terms, long_terms, list(ranges.values()), using, count_limit + 1)
    for kind in kinds:
        low, high = ranges[kind]
        if long_terms:
            ids = matching[low, high]
        elif kind in NAME_KINDS:
            ids = [pk for pk in prefixed if low <= pk < high]
        else:
            ids = []
        if len(ids) > count_limit:
            more.add(kind)
            ids = ids[:count_limit]
        counts[kind] = len(ids)
        if not ids:
            continue
        if kind not in more and len(ids) <= RANK_LIMIT and long_terms:
            ids = (
                _orm_ranked(phrase, ids, using)
                if vendor == "postgresql"
                else _counted_ranked(terms, ids, using)
            )
        exact = [pk for pk in named if low <= pk < high]
        ordered = list(dict.fromkeys([*sorted(exact), *ids]))
        shown[kind] = [(pk, pk in named) for pk in ordered[offset : offset + limit]]
    # The texts of the few shown only.
    rows = SearchEntry.objects.using(using).filter(pk__in=[pk for page in shown.values() for pk, _e in page])
    line = "line_my" if get_language() == "my" else "line_en"
    entries = {
        pk: row for pk, *row in rows.values_list("pk", "kind", "object_id", "text_en", "text_my", line)
    }
    hits = {}
    for kind, page in shown.items():
        for pk, is_exact in page:
            if pk not in entries:
                continue
            _kind, object_id, text_en, text_my, shown = entries[pk]
            hit = SearchHit(kind, object_id, text_en, text_my, is_exact, line=shown)
            hit.snippet = snippet_parts(_quoted_text(hit, terms), terms)
            hits.setdefault(kind, []).append(hit)
    return SearchResults(terms, hits, counts, more)


def _terms_pattern(terms):
    return re.compile(
        "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )


def _quoted_text(hit, terms):
    """The text a snippet quotes: the reader's language's if a term is in it, else the other one's if a
    term is in that (a Burmese name found from an English page), else the reader's."""
    pattern = _terms_pattern(terms)
    texts = [hit.text_my, hit.text_en] if get_language() == "my" else [hit.text_en, hit.text_my]
    return next((text for text in texts if text and pattern.search(text)), texts[0] or texts[1])


def snippet_parts(text, terms, before=SNIPPET_BEFORE, length=SNIPPET_LENGTH):
    """The part of `text` around the first term found, as (text, matched) pieces for the template to
    mark: at most `length` characters, starting up to `before` characters ahead of the match, with "…"
    where cut."""
    pattern = _terms_pattern(terms)
    first = pattern.search(text)
    start = max(0, first.start() - before) if first else 0
    end = min(len(text), start + length)
    window = text[start:end]
    parts = [("…", False)] if start else []
    position = 0
    for match in pattern.finditer(window):
        if match.start() > position:
            parts.append((window[position : match.start()], False))
        parts.append((match.group(), True))
        position = match.end()
    if position < len(window):
        parts.append((window[position:], False))
    if end < len(text):
        parts.append(("…", False))
    return parts
