"""Text checked wherever it enters the site: control characters refused, Zawgyi Burmese converted, NFC."""

import functools
import re
import threading
import unicodedata

import icu
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from myanmartools import ZawgyiDetector

# Unicode's control characters (C0, DEL and C1) except tab, line feed and carriage return: NUL cannot be
# stored in PostgreSQL text, and the others are invisible on a page and break the CSV and XML we serve.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x85": "NEL"}


def contains_control_character(value):
    """Whether `value` holds a refused control character: one search, for checking many cells fast."""
    return CONTROL_CHARACTERS.search(value) is not None


def control_character_error(value):
    """Why `value` cannot be accepted (the first refused control character and where), or None."""
    found = CONTROL_CHARACTERS.search(value or "")
    if found is None:
        return None
    character = found.group()
    name = f"U+{ord(character):04X}" + (f" {NAMES[character]}" if character in NAMES else "")
    return str(
        _("the text contains a control character (%(name)s) at character %(position)s; remove it")
        % {"name": name, "position": found.start() + 1}
    )


def control_characters_removed(value):
    """`value` without its control characters: for names we keep only to show (an uploaded file's)."""
    return CONTROL_CHARACTERS.sub("", value)


@deconstructible
class NoControlCharactersValidator:
    """A form or model field validator refusing control characters other than tab, LF and CR."""

    code = "control_character"

    def __call__(self, value):
        message = control_character_error(value if isinstance(value, str) else str(value))
        if message is not None:
            raise ValidationError(message[:1].upper() + message[1:] + ".", code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoControlCharactersValidator)


validate_no_control_characters = NoControlCharactersValidator()


# Zawgyi, the font encoding much Burmese is still typed in, gives Unicode's Myanmar code points other
# letters. The detector's probability is near 0 or near 1 for a sentence and drifts towards the middle for
# a syllable or two; above 0.95 a wrong conversion of Unicode text is rare enough to accept, below it a
# short or mixed text is left as typed (an editor can still retype it).
ZAWGYI_THRESHOLD = 0.95
MYANMAR = re.compile("[\u1000-\u109f]")
# Unicode stores a syllable's medials in one order (ya, ra, wa, ha) and before its vowel signs; typed
# otherwise the text renders the same but neither compares nor searches equal.
MEDIALS = re.compile("[\u103b-\u103e]{2,}")
VOWELS_BEFORE_MEDIALS = re.compile("([\u1000-\u102a\u103f\u104e])([\u102b-\u1035]+)([\u103b-\u103e]+)")
# What simple-history's history_change_reason holds.
HISTORY_NOTE_LENGTH = 100
_local = threading.local()


@functools.cache
def zawgyi_detector():
    """Google's Zawgyi detector (myanmartools), read once per process."""
    return ZawgyiDetector()


def zawgyi_transliterator():
    """ICU's Zawgyi-to-Unicode transliterator, one per thread (an ICU transliterator is not shared)."""
    if not hasattr(_local, "zawgyi"):
        _local.zawgyi = icu.Transliterator.createInstance("Zawgyi-my")
    return _local.zawgyi


def contains_myanmar(value):
    """Whether `value` holds a character of the Myanmar block (U+1000–U+109F)."""
    return MYANMAR.search(value) is not None


def is_zawgyi(value):
    """Whether `value` is Burmese typed in Zawgyi, by the detector's probability above ZAWGYI_THRESHOLD."""
    return contains_myanmar(value) and zawgyi_detector().get_zawgyi_probability(value) > ZAWGYI_THRESHOLD


def burmese_order_fixed(value):
    """`value` with the Burmese typing-order mistakes Unicode is certain about put right."""
    if not contains_myanmar(value):
        return value
    value = VOWELS_BEFORE_MEDIALS.sub(lambda m: m[1] + m[3] + m[2], value)
    return MEDIALS.sub(lambda m: "".join(sorted(m[0])), value)


def text_normalised(value):
    """`value` as stored: NFC (which also writes U+1025 U+102E as U+1026) and in Unicode's Burmese order."""
    return burmese_order_fixed(unicodedata.normalize("NFC", value))


def text_from_zawgyi(value):
    """(`value` converted from Zawgyi if it is Zawgyi, then normalised; whether it was converted)."""
    if value.isascii():
        return value, False
    normalised = text_normalised(value)
    # Unicode typed out of order (wa before ra) looks like Zawgyi to the detector; put in order, it does not.
    if is_zawgyi(value) and is_zawgyi(normalised):
        return text_normalised(zawgyi_transliterator().transliterate(value)), True
    return normalised, False


def original_excerpt(value, limit=60):
    """The start of a text as typed, to name in a history note."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def zawgyi_note(converted, before=""):
    """The history note of a version whose text was converted from Zawgyi: `before` (an editor's note, an
    import batch), then each converted field of `converted` (pairs of field and text as typed) with the start
    of what was typed, within the characters a history note holds."""
    converted = [(name, " ".join(typed.split())) for name, typed in converted]
    fixed = " ".join(filter(None, [before, _("From Zawgyi, typed %s") % ""]))
    room = HISTORY_NOTE_LENGTH - len(fixed) - sum(len(name) + 4 for name, _typed in converted) + 2
    # Every field is named; each text gets an even share of the room left, and a short one leaves the rest.
    parts = []
    for index, (name, typed) in enumerate(converted):
        excerpt = original_excerpt(typed, max(1, room // (len(converted) - index)))
        room -= len(excerpt)
        parts.append(f"{name}: {excerpt}")
    note = " ".join(filter(None, [before, _("From Zawgyi, typed %s") % "; ".join(parts)]))
    return original_excerpt(note, HISTORY_NOTE_LENGTH)


@functools.cache
def burmese_collator():
    """ICU's collator for Burmese ("my"): the order a Burmese reader expects, not the code points'."""
    return icu.Collator.createInstance(icu.Locale("my"))


def burmese_sort_key(value):
    """A key sorting texts in Burmese order (Burmese names first, then names in Latin script)."""
    return burmese_collator().getSortKey(value or "")


def burmese_page():
    """Whether the current request's pages are in Burmese, and so sorted in Burmese order."""
    return get_language() == "my"


def in_reader_order(items, name):
    """`items` sorted by `name(item)` in Burmese order (ICU's "my" collation) on Burmese pages; on English
    pages, as given (the database's order). For short lists: the sort is in Python."""
    items = list(items)
    if burmese_page():
        items.sort(key=lambda item: burmese_sort_key(name(item)))
    return items
