"""Numbers written in the digits of the reader's language."""

from django.conf import settings
from django.utils.translation import get_language

# Django formats numbers with Western digits only. Burmese publications, the Myanmar Peace Monitor's
# Burmese edition among them, write Myanmar digits; every other language here keeps Western ones.
DIGITS = {
    "my": str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉"),
}


def digits_localize(text):
    """`text` with its Western digits written in the active language's digits, for display only."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    table = DIGITS.get(language)
    if table is None:
        return text
    return text.translate(table)
