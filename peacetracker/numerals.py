"""Numbers written in the digits of the reader's language."""

from contextvars import ContextVar

from django.utils.translation import get_language_from_path
from modeltranslation.utils import get_language as reader_language

# Django formats numbers with Western digits only. Burmese publications, the Myanmar Peace Monitor's
# Burmese edition among them, write Myanmar digits; every other language here keeps Western ones.
DIGITS = {
    "my": str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉"),
}

# Only the public pages, the ones with a language in their address, are for readers: the admin (in
# Burmese for a Burmese browser) is where editors compare and type data, so it keeps Western digits.
_public_page = ContextVar("public_page", default=True)


def digits_localize(text, language=None):
    """`text` with its Western digits written in the active language's (or `language`'s) digits, for
    display only."""
    table = DIGITS.get(language or reader_language())
    if table is None or not _public_page.get():
        return text
    return text.translate(table)


def western_digits_outside_public_pages(get_response):
    """Middleware that keeps Western digits on addresses without a language prefix, such as the admin."""

    def middleware(request):
        token = _public_page.set(bool(get_language_from_path(request.path_info)))
        try:
            return get_response(request)
        finally:
            _public_page.reset(token)

    return middleware
