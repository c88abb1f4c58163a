import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_meeting, make_org, make_participant, make_person

pytestmark = pytest.mark.django_db

CSV = "/en/meetings/export.csv"
JSON = "/en/meetings/export.json"
HEADER = (
    "id,number,organisation,start_date,end_date,date_as_published,place,region,country,format,"
    "organisation_side,government_side,observers,others,outcome,details,url"
)
RUILI_NUMBERS = [5, 6, 7, 11, 12, 13]


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(client, params=None):
    response = client.get(CSV, params or {})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(content(response).decode("utf-8-sig"), newline="")))


def json_document(client, params=None):
    response = client.get(JSON, params or {})
    assert response.status_code == 200
    return json.loads(response.content)


def test_csv_export_of_a_location_holds_exactly_the_six_ruili_meetings(client, seed):
    rows = csv_rows(client, {"location": "Ruili"})
    assert [int(row["number"]) for row in rows] == RUILI_NUMBERS
    assert {row["place"] for row in rows} == {"Ruili"}


def test_json_export_of_a_location_holds_exactly_the_six_ruili_meetings(client, seed):
    document = json_document(client, {"location": "Ruili"})
    assert document["count"] == 6
    assert [row["number"] for row in document["results"]] == RUILI_NUMBERS


def test_exports_without_filters_hold_all_23_seed_meetings(client, seed):
    assert sorted(int(row["number"]) for row in csv_rows(client)) == list(range(1, 24))
    document = json_document(client)
    assert document["count"] == 23
    assert sorted(row["number"] for row in document["results"]) == list(range(1, 24))


def test_exports_hold_every_page_of_the_filtered_list(client, settings):
    org = make_org(slug="abc")
    for number in range(1, 61):
        make_meeting(org, number=number, place="Ruili")
    make_meeting(org, number=99, place="Laiza")
    params = {"location": "Ruili", "organisation": "abc"}
    assert len(client.get("/en/meetings/", params).context["object_list"]) == settings.MEETINGS_PER_PAGE
    assert sorted(int(row["number"]) for row in csv_rows(client, params)) == list(range(1, 61))
    assert json_document(client, params)["count"] == 60
    assert len(csv_rows(client, {**params, "page": "2"})) == 60


def test_exports_keep_the_sort_order_of_the_list(client):
    org = make_org()
    for number, day in ((1, 5), (2, 1), (3, 9)):
        make_meeting(org, number=number, date=datetime.date(2012, 1, day))
    assert [int(row["number"]) for row in csv_rows(client, {"sort": "-date"})] == [3, 1, 2]
    assert [row["number"] for row in json_document(client, {"sort": "number"})["results"]] == [1, 2, 3]


def test_csv_header_is_the_documented_columns_in_order(client):
    make_meeting()
    first_line = content(client.get(CSV)).split(b"\r\n")[0]
    assert first_line == ("\ufeff" + HEADER).encode()


def test_json_names_the_documented_columns_in_order(client):
    make_meeting()
    document = json_document(client)
    assert document["columns"] == HEADER.split(",")
    assert list(document["results"][0]) == HEADER.split(",")


def test_seed_meeting_is_exported_with_every_column(client, seed):
    row = next(row for row in csv_rows(client, {"location": "Ruili"}) if row["number"] == "13")
    assert row["organisation"] == "Kachin Independence Organisation (KIO/KIA)"
    assert (row["start_date"], row["end_date"], row["date_as_published"]) == (
        "2013-03-11",
        "2013-03-12",
        "11-12/03/13",
    )
    assert (row["place"], row["country"], row["format"], row["outcome"]) == (
        "Ruili",
        "China",
        "unstated",
        "joint_statement",
    )
    assert row["organisation_side"] == "Sumlut Gam; Maj. Gen. Gun Maw"
    assert row["government_side"] == "Aung Min"
    assert row["observers"].startswith("4 from UNFC; 2 from SSPP; ")
    assert row["url"] == "http://testserver/en/meetings/13/"


def test_csv_escapes_cells_a_spreadsheet_would_run_as_formulas(client):
    meeting = make_meeting(
        details='=HYPERLINK("http://evil.example","click")', place="+1 place", region="-2", country="@SUM"
    )
    make_participant(meeting, label="\tTabbed")
    make_participant(meeting, side="government", label="\rReturned")
    (row,) = csv_rows(client)
    assert row["details"] == """'=HYPERLINK("http://evil.example","click")"""
    assert (row["place"], row["region"], row["country"]) == ("'+1 place", "'-2", "'@SUM")
    assert row["organisation_side"] == "'\tTabbed"
    assert row["government_side"] == "'\rReturned"


def test_json_keeps_formula_like_text_as_published(client):
    make_meeting(details="=HYPERLINK(1)")
    assert json_document(client)["results"][0]["details"] == "=HYPERLINK(1)"


def test_csv_has_a_bom_crlf_line_ends_and_keeps_burmese_text(client):
    burmese = "ကချင်လွတ်မြောက်ရေးအဖွဲ့"
    make_meeting(place="မြစ်ကြီးနား", details=burmese)
    raw = content(client.get(CSV))
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.endswith(b"\r\n") and raw.count(b"\r\n") == 2 and b"\n" not in raw.replace(b"\r\n", b"")
    (row,) = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    assert (row["place"], row["details"]) == ("မြစ်ကြီးနား", burmese)
    assert json_document(client)["results"][0]["details"] == burmese


def test_csv_is_a_streamed_attachment_with_a_filename(client):
    response = client.get(CSV)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="meetings.csv"'


def test_dates_are_exported_only_as_precisely_as_known(client):
    org = make_org()
    make_meeting(org, number=1, date=datetime.date(2012, 6, 1), date_precision="month", date_text="June 2012")
    make_meeting(org, number=2, date=datetime.date(2013, 1, 1), date_precision="year")
    make_meeting(org, number=3, date=None, date_precision="unknown", date_text="not given")
    rows = {row["number"]: row for row in csv_rows(client)}
    assert (rows["1"]["start_date"], rows["2"]["start_date"], rows["3"]["start_date"]) == (
        "2012-06",
        "2013",
        "",
    )
    assert rows["3"]["date_as_published"] == "not given"
    results = {row["number"]: row for row in json_document(client)["results"]}
    assert (results[1]["start_date"], results[3]["start_date"], results[3]["end_date"]) == (
        "2012-06",
        None,
        None,
    )


BAD_FILTERS = [
    ({"year": "twenty"}, "year"),
    ({"from": "2012-13-45"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"organisation": "no-such-org"}, "organisation"),
    ({"format": "secret"}, "format"),
    ({"outcome": "'; DROP TABLE"}, "outcome"),
    ({"sort": "password"}, "sort"),
    ({"q": "x" * 201}, "q"),
]


@pytest.mark.parametrize(("params", "field"), BAD_FILTERS)
def test_csv_with_a_bad_filter_is_a_400_with_the_message_and_no_rows(client, params, field):
    make_meeting(place="Anywhere")
    response = client.get(CSV, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "Some filters could not be used" in body
    assert f"\n{field}: " in body
    assert "Anywhere" not in body


@pytest.mark.parametrize(("params", "field"), BAD_FILTERS)
def test_json_with_a_bad_filter_is_a_400_with_the_errors_and_no_rows(client, params, field):
    make_meeting(place="Anywhere")
    response = client.get(JSON, params)
    assert response.status_code == 400
    document = json.loads(response.content)
    assert list(document) == ["errors"]
    assert document["errors"][field] and all(isinstance(m, str) for m in document["errors"][field])


def test_year_error_says_what_is_wrong(client):
    response = client.get(JSON, {"year": "twenty"})
    assert json.loads(response.content) == {"errors": {"year": ["Enter a whole number."]}}


def test_filtering_on_an_unpublished_organisation_is_a_400_not_its_meetings(client):
    org = make_org(slug="secret", status="draft")
    make_meeting(org, place="Secretville")
    for url in (CSV, JSON):
        response = client.get(url, {"organisation": "secret"})
        assert response.status_code == 400
        assert "Secretville" not in response.content.decode()


def test_draft_meetings_and_meetings_of_unpublished_organisations_are_not_exported(client):
    make_meeting(place="Shownplace")
    for status in ("draft", "in_review", "unpublished"):
        make_meeting(place=f"Hidden-{status}", status=status)
    make_meeting(make_org(status="draft"), place="Hidden-org")
    assert [row["place"] for row in csv_rows(client)] == ["Shownplace"]
    assert [row["place"] for row in json_document(client)["results"]] == ["Shownplace"]


def test_draft_participant_names_are_never_exported(client):
    meeting = make_meeting()
    make_participant(meeting, person=make_person(name="Hidden Person", status="draft"))
    make_participant(meeting, side="government", body=make_org(name="Hidden Body", status="draft"))
    make_participant(
        meeting,
        side="observer",
        person=make_person(name="Hidden Labelled", status="draft"),
        label="As printed",
    )
    make_participant(meeting, side="other", person=make_person(name="Public Person"), unnamed_others=3)
    raw = content(client.get(CSV)).decode() + client.get(JSON).content.decode()
    assert "Hidden" not in raw
    (row,) = csv_rows(client)
    assert (row["organisation_side"], row["government_side"]) == ("", "")
    assert (row["observers"], row["others"]) == ("As printed", "Public Person + (3)")


def test_participant_filter_on_a_draft_persons_name_exports_nothing(client):
    meeting = make_meeting()
    make_participant(meeting, person=make_person(name="Hidden Person", slug="hidden-person", status="draft"))
    for value in ("Hidden Person", "hidden-person"):
        assert csv_rows(client, {"participant": value}) == []


def test_meeting_list_links_both_exports_with_the_current_filters(client):
    org = make_org(slug="abc")
    for number in range(60):
        make_meeting(org, number=number, place="Ruili")
    page = client.get(
        "/en/meetings/", {"location": "Ruili", "organisation": "abc", "page": "2"}
    ).content.decode()
    assert 'href="/en/meetings/export.csv?location=Ruili&amp;organisation=abc"' in page
    assert 'href="/en/meetings/export.json?location=Ruili&amp;organisation=abc"' in page


def test_meeting_list_offers_no_download_when_the_filters_are_wrong(client):
    make_meeting()
    assert "/en/meetings/export.csv" not in client.get("/en/meetings/", {"year": "x"}).content.decode()


def _queries(client, url):
    client.get(url)  # warm the content-type cache, as a running server has it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        content(response)
    assert response.status_code == 200
    return len(queries)


def _add_meetings(org, count):
    for _ in range(count):
        meeting = make_meeting(org)
        make_participant(meeting)
        make_participant(meeting, side="government", body=make_org())
        make_participant(meeting, side="observer", label="2 from UNFC")


@pytest.mark.parametrize(
    "url", [CSV, JSON, f"{CSV}?organisation=abc&q=Testville", f"{JSON}?participant=Test"]
)
def test_export_query_count_does_not_grow_with_the_data(client, url):
    org = make_org(slug="abc")
    _add_meetings(org, 3)
    small = _queries(client, url)
    _add_meetings(org, 60)
    assert _queries(client, url) == small
    assert small <= 3
