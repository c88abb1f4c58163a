"""Text refused wherever it enters the site: control characters, which no reader's text holds."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

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
