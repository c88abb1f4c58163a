"""Likely duplicates among people and among organisations, ranked, each pair with the reasons for it.

Kachin, Shan and Burmese names reach English in many spellings ("Dau Hka" / "Dau Kha", "Zau Tawng" /
"Zaw Taung"), with titles glued on ("Col. LahpaiZau Raw"). Each name is reduced to keys (without titles,
spacing and punctuation; with transliteration variants folded; with vowels blurred) and only records that
share a key, or sit next to each other in sorted order, are compared: never every pair.
"""

import difflib
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from peacetracker.models import Merge, NotDuplicate
from peacetracker.moderation import Moderated
from peacetracker.services import user_can_edit

from .models import Organisation, Person

# Ranks, honorifics and forms of address written before a name, as whole words once punctuation is gone.
TITLE_WORDS = (
    "gen general lt lieut lieutenant maj major col colonel brig brigadier cpt capt captain sgt sergeant "
    "adm admiral cdr commander dr doctor prof professor u daw sara saranum sayagyi sayama mr mrs ms miss "
    "duwa rev reverend fr father sir hon chairman"
)
PERSON_TITLES = frozenset(TITLE_WORDS.split())
ORGANISATION_WORDS = frozenset(("the", "of", "and", "for"))
# Spellings of one sound in romanised Kachin, Shan and Burmese names, each with the name a reason gives.
VARIANT_RULES = (
    ("hk", "kh", "hk/kh"),
    ("hp", "ph", "hp/ph"),
    ("ht", "th", "ht/th"),
    ("aw", "au", "au/aw"),
    ("ei", "i", "ei/i"),
    ("ey", "i", "ei/i"),
    ("ee", "i", "ee/i"),
    ("ay", "ai", "ai/ay"),
    ("oo", "u", "oo/u"),
    ("ua", "u", "ua/u"),
    ("ou", "u", "ou/u"),
)
TOKEN_VARIANTS = {"mg": ("maung", "Mg/Maung"), "govt": ("government", "Govt/Government")}
ORGANISATION_SPELLINGS = (
    ("ization", "isation", "-ization/-isation"),
    ("center", "centre", "center/centre"),
)
VOWELS = re.compile(r"[aeiouy]+")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
APOSTROPHES = re.compile(r"[’'`´‘]")
WORDS = re.compile(r"\w+")
DOUBLED = re.compile(r"(.)\1+")
DOUBLED_CONSONANTS = re.compile(r"([^aeiou])\1+")

SCORE_SAME = 1.0
SCORE_ALIAS = 0.95
SCORE_VARIANT = 0.9
SCORE_WITHIN = 0.65
WITHIN_MIN_LENGTH = 6
SIMILAR_AT_LEAST = 0.84
SIMILAR_MIN_LENGTH = 8
SIMILAR_WORD = 0.75
SIMILAR_UNALIGNED = 0.9
SCORE_ACRONYM_PART = 0.62
SHARED_MEETING_BONUS = 0.05
SHARED_MEETING_BONUS_MAX = 0.1
LISTED_FROM = 0.6
NEIGHBOURS = 3
# A blurred key shared by more records than this says little (a common short name) and would cost many
# pairs; records with the very same name are compared in larger numbers.
LARGEST_BLOCK = 40
LARGEST_SAME = 200


def tokens_of(name, titles=PERSON_TITLES):
    """The words of a name, lower case, without accents, apostrophes, leading titles or joined-up capitals."""
    text = APOSTROPHES.sub("", unicodedata.normalize("NFKC", name or ""))
    text = CAMEL.sub(" ", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = [w.lower() for w in WORDS.findall(text.replace("_", " "))]
    # Titles come first ("Lt. Gen. Gun Maw"); later, "Daw" or "U" is a part of the name.
    start = 0
    while start < len(words) - 1 and words[start] in titles:
        start += 1
    return words[start:]


def plain_key(tokens):
    """A name without titles, spacing and punctuation: "Col. LahpaiZau Raw" → "lahpaizauraw"."""
    return "".join(tokens)


def _variant_token(token, rules, enabled=None):
    applied = set()

    def use(name):
        return enabled is None or name in enabled

    if use("doubled letters"):
        squeezed = DOUBLED_CONSONANTS.sub(r"\1", token)
        if squeezed != token:
            token = squeezed
            applied.add("doubled letters")
    if token in TOKEN_VARIANTS and use(TOKEN_VARIANTS[token][1]):
        token, name = TOKEN_VARIANTS[token]
        applied.add(name)
    for old, new, name in rules:
        if old in token and use(name):
            token = token.replace(old, new)
            applied.add(name)
    if len(token) > 2 and token.endswith("h") and token[-2] in "aeiou" and use("final h"):
        token = token[:-1]
        applied.add("final h")
    squeezed = DOUBLED.sub(r"\1", token)
    if squeezed != token and use("doubled letters"):
        token = squeezed
        applied.add("doubled letters")
    return token, applied


@functools.lru_cache(maxsize=65536)
def _folded(token, rules):
    folded, applied = _variant_token(token, rules)
    return folded, frozenset(applied)


def variant_key(tokens, rules=VARIANT_RULES, enabled=None):
    """The key with transliteration variants folded (hk/kh, au/aw, ei/i…), and the variants it used;
    `enabled` limits the variants to those named."""
    parts, applied = [], set()
    for token in tokens:
        folded, used = _folded(token, rules) if enabled is None else _variant_token(token, rules, enabled)
        parts.append(folded)
        applied |= used
    return "".join(parts), applied


def blurred_key(key):
    """The variant key with every run of vowels alike: "dauliam" and "daulum" meet here."""
    return VOWELS.sub("a", key)


@dataclass
class Name:
    """One way a record is named (its name, its name in Burmese, an alias, an acronym)."""

    text: str
    kind: str
    tokens: list
    plain: str = ""
    variant: str = ""
    variants_used: set = field(default_factory=set)
    folded: list = field(default_factory=list)

    def __post_init__(self):
        self.plain = plain_key(self.tokens)


@dataclass
class Record:
    """A person or organisation as the finder sees it: its names and where it sat at meetings."""

    pk: int
    slug: str
    label: str
    status: str
    names: list = field(default_factory=list)
    meetings: dict = field(default_factory=dict)

    def __str__(self):
        return self.label

    def get_status_display(self):
        return Moderated.Status(self.status).label


@dataclass
class Pair:
    """Two records that may be one, with a score from 0 to 1 and the reasons for it."""

    first: Record
    second: Record
    score: float
    reasons: list

    @property
    def reason(self):
        return "; ".join(self.reasons)


class Kind:
    """How the names of one model are read: which fields, which titles, which spellings."""

    def __init__(self, model, titles, rules):
        self.model = model
        self.titles = titles
        self.rules = rules

    def name(self, text, kind):
        tokens = tokens_of(text, self.titles)
        name = Name(text, kind, tokens)
        name.variant, name.variants_used = variant_key(tokens, self.rules)
        name.folded = [_folded(token, self.rules)[0] for token in tokens]
        return name


PEOPLE = Kind(Person, PERSON_TITLES, VARIANT_RULES)
ORGANISATIONS = Kind(Organisation, ORGANISATION_WORDS, VARIANT_RULES + ORGANISATION_SPELLINGS)


def kind_for(model):
    return PEOPLE if model is Person else ORGANISATIONS


def _merged_away(model):
    """Records merged into another and not split out again: no longer on the list."""
    return set(
        Merge.objects.filter(
            content_type=ContentType.objects.get_for_model(model), state=Merge.State.APPLIED
        ).values_list("merged_id", flat=True)
    )


def _records(kind):
    model = kind.model
    hidden = _merged_away(model)
    records = {}
    if model is Person:
        rows = model.objects.rewrite(False).values_list(
            "pk", "slug", "name_en", "name_my", "honorific_en", "status"
        )
        for pk, slug, name_en, name_my, honorific, status in rows:
            if pk in hidden:
                continue
            record = Record(pk, slug, Person.display_name(honorific or "", name_en or ""), status)
            record.names = [kind.name(name_en or "", "name")]
            if name_my:
                record.names.append(kind.name(name_my, "Burmese name"))
            records[pk] = record
        aliases = model.aliases.rel.related_model.objects.values_list("person_id", "name")
    else:
        rows = model.objects.rewrite(False).values_list(
            "pk", "slug", "name_en", "name_my", "acronym", "armed_wing_en", "status"
        )
        for pk, slug, name_en, name_my, acronym, armed_wing, status in rows:
            if pk in hidden:
                continue
            record = Record(pk, slug, Organisation.display_name(name_en or "", acronym or ""), status)
            record.names = [kind.name(name_en or "", "name")]
            if name_my:
                record.names.append(kind.name(name_my, "Burmese name"))
            if acronym and acronym != name_en:
                record.names.append(kind.name(acronym, "acronym"))
                # "KIO/KIA" is known as "KIO" and as "KIA".
                parts = [part for part in re.split(r"\s*/\s*", acronym) if part]
                record.names += [kind.name(part, "acronym part") for part in parts if len(parts) > 1]
            if armed_wing:
                record.names.append(kind.name(armed_wing, "armed wing"))
            records[pk] = record
        aliases = model.aliases.rel.related_model.objects.values_list("organisation_id", "name")
    for owner, alias in aliases:
        if owner in records:
            records[owner].names.append(kind.name(alias, "alias"))
    # Reverse relations, so that orgs reads meeting participants without importing negotiations.
    relation = model.meeting_participations
    participations = relation.rel.related_model.objects.filter(
        **{f"{relation.field.name}__isnull": False}
    ).values_list(relation.field.attname, "meeting_id", "side")
    for owner, meeting, side in participations:
        if owner in records:
            records[owner].meetings.setdefault(meeting, set()).add(side)
    for record in records.values():
        record.names = [n for n in record.names if n.plain]
    return records


def _marked_not_same(model):
    return set(
        NotDuplicate.objects.filter(content_type=ContentType.objects.get_for_model(model)).values_list(
            "first_id", "second_id"
        )
    )


def _candidates(kind, records):
    """Pairs of record ids worth comparing: those sharing a key, and neighbours in sorted order."""
    same, blurred, within = defaultdict(set), defaultdict(set), defaultdict(set)
    sortable = []
    for record in records.values():
        for name in record.names:
            same["p:" + name.plain].add(record.pk)
            same["v:" + name.variant].add(record.pk)
            blurred[blurred_key(name.variant)].add(record.pk)
            for start in range(1, len(name.tokens) - 1):
                within["".join(name.folded[start:])].add(record.pk)
            sortable.append((name.variant, record.pk))
            sortable.append((name.variant[::-1], record.pk))
    pairs = set()
    for members, largest in [
        *((members, LARGEST_SAME) for members in same.values()),
        *((members, LARGEST_BLOCK) for members in blurred.values()),
    ]:
        if 1 < len(members) <= largest:
            ordered = sorted(members)
            pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    for key, longer in within.items():
        shorter = same.get("v:" + key, set())
        if shorter and len(shorter) * len(longer) <= LARGEST_BLOCK**2:
            pairs.update((min(a, b), max(a, b)) for a in shorter for b in longer if a != b)
    sortable.sort()
    for i, (_key, pk) in enumerate(sortable):
        for _other_key, other in sortable[i + 1 : i + 1 + NEIGHBOURS]:
            if other != pk:
                pairs.add((min(pk, other), max(pk, other)))
    return pairs


def _within(short, long, rules):
    """Whether `long` is `short` with words before it (a clan or family name): the words before, or None."""
    if len(short.tokens) < 2 or len(short.variant) < WITHIN_MIN_LENGTH:
        return None
    if len(long.tokens) <= len(short.tokens):
        return None
    tail = long.folded[len(long.tokens) - len(short.tokens) :]
    if "".join(tail) == short.variant:
        return long.tokens[: len(long.tokens) - len(short.tokens)]
    return None


def _variants_needed(kind, a, b):
    """The transliteration variants without which the two names would not meet, for the reason."""
    needed = set(a.variants_used | b.variants_used)
    for name in sorted(needed):
        fewer = needed - {name}
        if variant_key(a.tokens, kind.rules, fewer)[0] == variant_key(b.tokens, kind.rules, fewer)[0]:
            needed = fewer
    return sorted(needed)


def _ratio(a, b, at_least):
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0
    return matcher.ratio()


def _similarity(a, b, rules):
    """How alike two long enough names are, or None: word by word where they have as many words, so that
    one different word ("Zau Htaung" / "Aung Thaung") is not outweighed by the others."""
    if min(len(a.variant), len(b.variant)) < SIMILAR_MIN_LENGTH:
        return None
    if len(a.tokens) == len(b.tokens):
        for x, y in zip(a.folded, b.folded, strict=True):
            if x != y and blurred_key(x) != blurred_key(y) and _ratio(x, y, SIMILAR_WORD) < SIMILAR_WORD:
                return None
        at_least = SIMILAR_AT_LEAST
    else:
        at_least = SIMILAR_UNALIGNED
    ratio = _ratio(a.variant, b.variant, at_least)
    return ratio if ratio >= at_least else None


def _name_evidence(kind, first, second):
    """The best reason the two records' names give, as (score, reason), or None."""
    best = None

    def consider(score, reason):
        nonlocal best
        if best is None or score > best[0]:
            best = (score, reason)

    for a in first.names:
        for b in second.names:
            both_names = a.kind != "alias" and b.kind != "alias"
            if a.plain == b.plain:
                if "acronym part" in (a.kind, b.kind):
                    consider(SCORE_ACRONYM_PART, _("both known as “%(name)s”") % {"name": a.text})
                elif both_names:
                    consider(SCORE_SAME, _("same name after removing titles, spacing and punctuation"))
                elif a.kind == "alias" and b.kind == "alias":
                    consider(SCORE_ALIAS, _("shared alias “%(name)s”") % {"name": a.text})
                else:
                    alias, other = (a, b) if a.kind == "alias" else (b, a)
                    consider(
                        SCORE_ALIAS,
                        _("alias “%(alias)s” is the other's %(kind)s")
                        % {"alias": alias.text, "kind": other.kind},
                    )
                continue
            if a.variant == b.variant:
                consider(
                    SCORE_VARIANT - (0 if both_names else 0.05),
                    _("transliteration variants (%(rules)s): “%(a)s” / “%(b)s”")
                    % {"rules": ", ".join(_variants_needed(kind, a, b)), "a": a.text, "b": b.text},
                )
                continue
            for short, long in ((a, b), (b, a)):
                before = _within(short, long, kind.rules)
                if before is not None:
                    consider(
                        SCORE_WITHIN,
                        _("“%(long)s” is “%(short)s” with “%(before)s” before it")
                        % {"long": long.text, "short": short.text, "before": " ".join(before)},
                    )
            ratio = _similarity(a, b, kind.rules)
            if ratio is not None:
                consider(
                    round(ratio * 0.9, 2),
                    _("close spelling (%(ratio)d%% alike): “%(a)s” / “%(b)s”")
                    % {"ratio": round(ratio * 100), "a": a.text, "b": b.text},
                )
    return best


def _context(first, second):
    """Meetings both records attended on the same side: a bonus and its reason."""
    shared = [m for m, sides in first.meetings.items() if sides & second.meetings.get(m, set())]
    if not shared:
        return 0, None
    bonus = min(SHARED_MEETING_BONUS * len(shared), SHARED_MEETING_BONUS_MAX)
    return bonus, _("both at %(n)d meeting(s) on the same side") % {"n": len(shared)}


def likely_duplicates(model, record=None):
    """The likely duplicate pairs among every person or every organisation, best first.

    Records merged into another are left out, and so are pairs an editor marked as not the same.
    `record` limits the list to the pairs of one record (an id).
    """
    kind = kind_for(model)
    records = _records(kind)
    not_same = _marked_not_same(model)
    pairs = []
    for a, b in _candidates(kind, records):
        if (a, b) in not_same or (record is not None and record not in (a, b)):
            continue
        first, second = records[a], records[b]
        evidence = _name_evidence(kind, first, second)
        if evidence is None:
            continue
        score, reason = evidence
        reasons = [reason]
        bonus, context = _context(first, second)
        if context:
            score, reasons = score + bonus, [*reasons, context]
        if score >= LISTED_FROM:
            pairs.append(Pair(first, second, round(min(score, 1.0), 2), reasons))
    pairs.sort(key=lambda p: (-p.score, p.first.label.lower(), p.second.label.lower()))
    return pairs


def not_duplicate_mark(model, first_id, second_id, user, note=""):
    """Record that two records are not the same, so that the pair stays off the list."""
    if not user_can_edit(user, model):
        raise PermissionDenied(_("You cannot edit these records."))
    first_id, second_id = sorted((int(first_id), int(second_id)))
    if first_id == second_id:
        raise ValidationError(_("Choose two different records."))
    found = {obj.pk: obj for obj in model._default_manager.filter(pk__in=[first_id, second_id])}
    if len(found) != 2:
        raise ValidationError(_("One of these records no longer exists."))
    try:
        with transaction.atomic():
            return NotDuplicate.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                first_id=first_id,
                second_id=second_id,
                first_repr=str(found[first_id])[:300],
                second_repr=str(found[second_id])[:300],
                marked_by=user,
                note=note[:300],
            )
    except IntegrityError:
        return NotDuplicate.objects.get(
            content_type=ContentType.objects.get_for_model(model), first_id=first_id, second_id=second_id
        )
