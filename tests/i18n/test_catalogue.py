"""The Burmese interface catalogue: complete, and compiled in step with its source."""

from pathlib import Path

import polib
from django.utils import translation

from peacetracker.dates import DatePrecision, format_partial_date

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "my" / "LC_MESSAGES"


def test_every_message_has_a_burmese_translation_and_none_is_fuzzy():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert len(catalogue) > 500
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.obsolete_entries() == []
    assert catalogue.metadata["Plural-Forms"] == "nplurals=1; plural=0;"


def test_the_compiled_catalogue_says_what_the_source_says():
    def messages(catalogue):
        return {
            (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0)
            for entry in catalogue
            if not entry.obsolete
        }

    source = polib.pofile(str(LOCALE / "django.po"))
    compiled = polib.mofile(str(LOCALE / "django.mo"))
    assert messages(compiled) == messages(source), (
        "run: python3 dev.py manage compilemessages -l my --ignore=.venv"
    )


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(LOCALE / "django.po")):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if not text:
                continue
            for placeholder in ("%(", "{"):
                wanted = sorted(
                    part.split(")")[0].split("}")[0] for part in entry.msgid.split(placeholder)[1:]
                )
                found = sorted(part.split(")")[0].split("}")[0] for part in text.split(placeholder)[1:])
                assert found == wanted, entry.msgid


def test_the_interface_speaks_burmese_under_my():
    with translation.override("my"):
        assert translation.gettext("Meetings") == "တွေ့ဆုံဆွေးနွေးပွဲများ"
        assert translation.gettext("Menu") == "မီနူး"
        assert translation.gettext("Back to top") == "ထိပ်သို့ ပြန်သွားရန်"
        assert translation.ngettext("%(count)s active", "%(count)s active", 2) % {"count": 2} == (
            "2 ခု သုံးထားသည်"
        )
        assert translation.gettext("Approve and publish") == "အတည်ပြု၍ ထုတ်ဝေရန်"


def test_partial_dates_follow_the_readers_language():
    import datetime

    start, end = datetime.date(2011, 8, 1), datetime.date(2011, 8, 2)
    with translation.override("my"):
        assert format_partial_date(start, DatePrecision.DAY, end) == "၂၀၁၁ ခုနှစ် ဩဂုတ်လ ၁–၂ ရက်"
        assert format_partial_date(start, DatePrecision.MONTH) == "၂၀၁၁ ခုနှစ် ဩဂုတ်လ"
        assert format_partial_date(start, DatePrecision.YEAR) == "၂၀၁၁"
        assert (
            format_partial_date(datetime.date(2011, 6, 30), DatePrecision.DAY, datetime.date(2011, 7, 2))
            == "၂၀၁၁ ခုနှစ် ဇွန်လ ၃၀ ရက် – ဇူလိုင်လ ၂ ရက်"
        )
    with translation.override("en"):
        assert format_partial_date(start, DatePrecision.DAY, end) == "1–2 August 2011"
