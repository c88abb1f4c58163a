"""Burmese typed in Zawgyi is stored as Unicode on every way in (admin, clash import, restore), and said so;
every text is stored NFC and in Unicode's Burmese order; Unicode, English and mixed text are left alone."""

import json
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from imports.models import ImportBatch
from orgs.models import ClashEvent, Organisation
from peacetracker.models import Revision
from peacetracker.roles import DATA_OFFICERS, EDITORS
from peacetracker.text import text_from_zawgyi
from tests.admin_forms import form_data, form_errors
from tests.factories import make_org, staff_client
from tests.imports.admin_steps import confirm, upload, user_in
from tests.imports.files import acled_file, acled_row

pytestmark = pytest.mark.django_db


def typed(*code_points):
    """A text typed by its code points, so that a test shows exactly which letters it holds."""
    return "".join(map(chr, code_points))


# "Myanmar" (ျမန္မာႏိုင္ငံ / မြန်မာနိုင်ငံ) and "Kachin State" (ကခ်င္ျပည္နယ္ / ကချင်ပြည်နယ်), as Zawgyi
# keyboards type them and as Unicode stores them.
MYANMAR_ZAWGYI = typed(
    0x103B, 0x1019, 0x1014, 0x1039, 0x1019, 0x102C, 0x108F, 0x102D, 0x102F, 0x1004, 0x1039, 0x1004, 0x1036
)
MYANMAR_UNICODE = typed(
    0x1019, 0x103C, 0x1014, 0x103A, 0x1019, 0x102C, 0x1014, 0x102D, 0x102F, 0x1004, 0x103A, 0x1004, 0x1036
)
KACHIN_STATE_ZAWGYI = typed(
    0x1000, 0x1001, 0x103A, 0x1004, 0x1039, 0x103B, 0x1015, 0x100A, 0x1039, 0x1014, 0x101A, 0x1039
)
KACHIN_STATE_UNICODE = typed(
    0x1000, 0x1001, 0x103B, 0x1004, 0x103A, 0x1015, 0x103C, 0x100A, 0x103A, 0x1014, 0x101A, 0x103A
)
UNICODE_PARAGRAPH = (
    "ကချင်လွတ်မြောက်ရေးအဖွဲ့သည် ၁၉၆၁ ခုနှစ်တွင် တည်ထောင်ခဲ့ပြီး ၁၉၉၄ ခုနှစ်တွင် အစိုးရနှင့် "
    "အပစ်အခတ်ရပ်စဲရေး သဘောတူညီချက် လက်မှတ်ရေးထိုးခဲ့သည်။ မြစ်ကြီးနားမြို့တွင် ဆွေးနွေးပွဲများ ပြုလုပ်ခဲ့သည်။"
)
LEFT_AS_TYPED = [
    UNICODE_PARAGRAPH,
    "ဦးအောင်မင်း",
    "Lahpai Zau Raw",  # Kachin, in Latin script
    "N'Ban La",
    "Sao Khun Hseng",  # Shan, in Latin script
    "Hkun Htoo Leng",
    "KIO ကချင်လွတ်မြောက်ရေးအဖွဲ့ (Laiza)",
    "က",  # one letter or syllable: the detector is unsure, so nothing is converted
    "ကို",
]


@pytest.mark.parametrize(
    ("zawgyi", "unicode"), [(MYANMAR_ZAWGYI, MYANMAR_UNICODE), (KACHIN_STATE_ZAWGYI, KACHIN_STATE_UNICODE)]
)
def test_zawgyi_samples_are_converted_to_unicode(zawgyi, unicode):
    assert text_from_zawgyi(zawgyi) == (unicode, True)


@pytest.mark.parametrize("text", LEFT_AS_TYPED)
def test_unicode_burmese_english_mixed_and_short_text_is_left_as_typed(text):
    assert text_from_zawgyi(text) == (text, False)


@pytest.mark.parametrize(
    ("as_typed", "as_stored"),
    [
        # medial wa before medial ra, ha before ya: Unicode stores ya/ra, wa, ha
        (typed(0x1019, 0x103D, 0x103C), typed(0x1019, 0x103C, 0x103D)),
        (typed(0x1019, 0x103E, 0x103B), typed(0x1019, 0x103B, 0x103E)),
        # a vowel sign typed before the medial it follows on screen
        (typed(0x1019, 0x102F, 0x103D), typed(0x1019, 0x103D, 0x102F)),
        # U+1025 U+102E is U+1026 (ဦ)
        (typed(0x1025, 0x102E, 0x1038), typed(0x1026, 0x1038)),
    ],
)
def test_burmese_typed_out_of_unicode_order_is_stored_in_it(as_typed, as_stored):
    assert text_from_zawgyi(as_typed) == (as_stored, False)


def admin_change(client, obj, **fields):
    url = reverse("admin:orgs_organisation_change", args=[obj.pk])
    data = form_data(client.get(url))
    data.update(fields)
    return client.post(url, data)


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_zawgyi_typed_in_the_admin_is_stored_as_unicode_and_the_editor_is_told(admin_client):
    kio = make_org(name="Kachin Independence Organisation", status="draft")

    response = admin_change(
        admin_client,
        kio,
        summary_my=KACHIN_STATE_ZAWGYI,
        headquarters_my=MYANMAR_ZAWGYI,
        name_my="ကို",
        active_territories_my=UNICODE_PARAGRAPH,
        headquarters_en="Laiza",
    )

    assert response.status_code == 302, form_errors(response)
    kio.refresh_from_db()
    assert (kio.summary_my, kio.headquarters_my) == (KACHIN_STATE_UNICODE, MYANMAR_UNICODE)
    # Unicode Burmese, short Burmese and English are stored as typed and not reported.
    assert (kio.name_my, kio.active_territories_my) == ("ကို", UNICODE_PARAGRAPH)
    assert (kio.name_en, kio.headquarters_en) == ("Kachin Independence Organisation", "Laiza")
    [message] = [m for m in shown_messages(response) if "Zawgyi" in m]
    assert message.startswith("Converted from Zawgyi to Unicode: ")
    assert "summary [my]" in message.lower() and "headquarters [my]" in message.lower()
    assert "name" not in message.lower() and "territories" not in message.lower()
    # The version keeps the converted text; its note names the conversion and what was typed.
    version = kio.history.latest()
    assert version.summary_my == KACHIN_STATE_UNICODE
    assert (
        "From Zawgyi" in version.history_change_reason
        and KACHIN_STATE_ZAWGYI[:5] in version.history_change_reason
    )
    assert len(version.history_change_reason) <= 100


def test_zawgyi_in_a_change_to_published_content_is_converted_in_the_change_awaiting_review(db):
    kio = make_org(name="Kachin Independence Organisation", status="published")
    client = staff_client("eddie", EDITORS)

    response = admin_change(client, kio, summary_my=KACHIN_STATE_ZAWGYI, change_note="Burmese summary")

    assert response.status_code == 302, form_errors(response)
    assert any("Converted from Zawgyi to Unicode" in m for m in shown_messages(response))
    revision = Revision.objects.get()
    assert revision.data["fields"]["summary_my"] == KACHIN_STATE_UNICODE
    assert revision.note.startswith("Burmese summary From Zawgyi")
    kio.refresh_from_db()
    assert not kio.summary_my  # the public still sees the published version


def test_text_saved_in_the_admin_is_stored_nfc(admin_client):
    kio = make_org(name="Kachin Independence Organisation", status="draft")

    response = admin_change(
        admin_client, kio, headquarters_en="Lai\u0301za", name_my=typed(0x1025, 0x102E, 0x1038)
    )

    assert response.status_code == 302, form_errors(response)
    kio.refresh_from_db()
    assert (kio.headquarters_en, kio.name_my) == ("La\u00edza", typed(0x1026, 0x1038))


@pytest.fixture
def orgs():
    make_org(name="Kachin Independence Army", acronym="KIA", slug="kia-test")
    military = make_org(name="Tatmadaw", slug="tatmadaw-test", kind="government")
    military.aliases.create(name="Military Forces of Myanmar")


def test_zawgyi_cells_of_a_clash_file_are_stored_as_unicode_and_counted_per_column(orgs):
    _user, client = user_in(DATA_OFFICERS, "dora")
    rows = [
        acled_row(1, notes=KACHIN_STATE_ZAWGYI, location=MYANMAR_ZAWGYI),
        acled_row(2, notes=KACHIN_STATE_ZAWGYI),
        acled_row(3, notes=UNICODE_PARAGRAPH, location="ကို", admin3=UNICODE_PARAGRAPH[:40]),
    ]

    preview = upload(client, acled_file(rows))

    page = preview.content.decode()
    assert "Cells converted from Zawgyi to Unicode" in page
    assert "<tr><td>location</td><td>1</td></tr>" in page and "<tr><td>notes</td><td>2</td></tr>" in page
    assert f"<td>2</td><td>notes</td><td>{KACHIN_STATE_ZAWGYI}</td>" in page
    assert confirm(client, preview).status_code == 302
    stored = dict(ClashEvent.objects.values_list("event_id_cnty", "notes"))
    assert stored == {
        "MMR00001": KACHIN_STATE_UNICODE,
        "MMR00002": KACHIN_STATE_UNICODE,
        "MMR00003": UNICODE_PARAGRAPH,
    }
    assert ClashEvent.objects.get(event_id_cnty="MMR00001").location == MYANMAR_UNICODE
    assert ClashEvent.objects.get(event_id_cnty="MMR00002").location == "Waingmaw"
    assert ClashEvent.objects.get(event_id_cnty="MMR00003").location == "ကို"
    assert "<td>admin3</td>" not in page
    batch_page = client.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    assert "<tr><td>notes</td><td>2</td></tr>" in batch_page


def backed_up_with_zawgyi_and_emptied(tmp_path):
    """A backup of two organisations, one Burmese summary typed in Zawgyi and one in Unicode, written
    straight to the database as an older version of the site would have stored them; the database is
    emptied after it. The backup's path."""
    make_org(name="Kachin Independence Organisation", slug="kio", summary_my=KACHIN_STATE_ZAWGYI)
    make_org(name="Arakan Army", slug="aa", summary_my=UNICODE_PARAGRAPH)
    backup = tmp_path / "backup.json.gz"
    call_command("backup", str(backup), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    return backup


@pytest.mark.django_db(transaction=True)
def test_restore_stores_zawgyi_in_a_backup_as_unicode_and_reports_it(tmp_path, capsys):
    backup = backed_up_with_zawgyi_and_emptied(tmp_path)

    call_command("restore", str(backup), verbosity=0)

    summaries = dict(Organisation.objects.values_list("slug", "summary_my"))
    assert summaries == {"kio": KACHIN_STATE_UNICODE, "aa": UNICODE_PARAGRAPH}
    output = capsys.readouterr().out
    assert "Converted from Zawgyi to Unicode (1 texts):" in output
    kio = Organisation.objects.get(slug="kio")
    assert f"orgs.organisation {kio.pk} summary_my, as typed: {KACHIN_STATE_ZAWGYI}" in output


def seed_with_zawgyi_headquarters(settings, tmp_path):
    """The seed fixture, copied to `tmp_path` with the KIO's Burmese headquarters typed in Zawgyi, made the
    one `load_seed` reads; the KIO's row."""
    rows = json.loads((Path(settings.FIXTURE_DIRS[0]) / "seed_kio.json").read_text(encoding="utf-8"))
    kio = next(
        row for row in rows if row["model"] == "orgs.organisation" and row["fields"]["slug"] == "kio-kia"
    )
    kio["fields"]["headquarters_my"] = MYANMAR_ZAWGYI
    (tmp_path / "seed_kio.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    settings.FIXTURE_DIRS = [tmp_path]
    return kio


def test_the_seed_loader_stores_zawgyi_in_a_fixture_as_unicode_and_reports_it(settings, tmp_path, capsys):
    kio = seed_with_zawgyi_headquarters(settings, tmp_path)

    call_command("load_seed")

    stored = Organisation.objects.get(slug="kio-kia")
    assert stored.headquarters_my == MYANMAR_UNICODE
    assert stored.name_en == kio["fields"]["name"]
    assert (
        f"orgs.organisation {kio['pk']} headquarters_my, as typed: {MYANMAR_ZAWGYI}"
        in capsys.readouterr().out
    )
