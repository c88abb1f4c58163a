"""The page of one ACLED event: every column as ACLED wrote it and the organisations it names."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from orgs.models import ClashEvent
from tests.factories import make_org


def make_event(event_id="MMR12345", **fields):
    fields.setdefault("event_date", datetime.date(2022, 3, 5))
    fields.setdefault("year", fields["event_date"].year)
    fields.setdefault("actor1", "Military Forces of Myanmar (2021-)")
    return ClashEvent.objects.create(event_id_cnty=event_id, **fields)


def test_event_page_shows_what_acled_recorded_and_links_the_organisations(db, client):
    kio = make_org(name="Kachin Independence Organisation", slug="kio-kia")
    event = make_event(
        actor2="KIA: Kachin Independence Army",
        actor2_organisation=kio,
        event_type="Battles",
        sub_event_type="Armed clash",
        location="Hpakant",
        admin1="Kachin",
        admin2="Mohnyin",
        country="Myanmar",
        latitude=Decimal("25.612300"),
        longitude=Decimal("96.308100"),
        fatalities=1234,
        source="Kachin News Group; Irrawaddy",
        source_scale="National-Regional",
        notes="On 5 March 2022, the KIA and the military clashed near Hpakant.\nTwo villages fled.",
        time_precision=2,
    )
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Battles, Hpakant, 5 March 2022" in page
    assert f'<a href="{kio.get_absolute_url()}">KIA: Kachin Independence Army</a>' in page
    assert "Military Forces of Myanmar (2021-)" in page
    assert "Hpakant, Mohnyin, Kachin, Myanmar" in page
    assert "25.612300, 96.308100" in page
    assert "1,234" in page
    assert "Kachin News Group; Irrawaddy" in page
    assert (
        "<p>On 5 March 2022, the KIA and the military clashed near Hpakant.<br>Two villages fled.</p>" in page
    )
    assert "approx." in page


def test_event_of_an_unpublished_organisation_is_not_found(db, client):
    hidden = make_event(actor2_organisation=make_org(status="draft"))
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_event_page_of_an_unknown_id_is_not_found(db, client):
    assert client.get(make_event().get_absolute_url().replace("MMR12345", "MMR99999")).status_code == 404


def test_event_page_query_count_does_not_grow_with_the_data(db, client):
    kio = make_org()
    first = make_event(actor2_organisation=kio)
    client.get(first.get_absolute_url())
    with CaptureQueriesContext(connection) as small:
        client.get(first.get_absolute_url())
    for n in range(30):
        make_event(f"MMR{n:05d}", actor2_organisation=kio)
    with CaptureQueriesContext(connection) as large:
        client.get(first.get_absolute_url())
    assert len(large) == len(small) <= 3


def test_event_page_speaks_burmese_under_my(db, client):
    event = make_event(event_type="Battles", location="Hpakant")
    with translation.override("my"):
        url = event.get_absolute_url()
    assert url.startswith("/my/")
    page = client.get(url).content.decode()
    assert '<html lang="my">' in page
    assert "ပထမ ပါဝင်သူ" in page  # "First actor"
    assert "၂၀၂၂ ခုနှစ် မတ်လ ၅ ရက်" in page
