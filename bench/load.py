"""Load test: readers browse and filter while an editor saves and a data officer imports, on PostgreSQL.

Run from the repository root with the project's Python (PostgreSQL must be reachable):

    .venv/bin/python bench/load.py

Everything stays on 127.0.0.1. It creates a throw-away PostgreSQL database (`peacetracker_load` by
default, dropped and recreated on every run; nothing else is touched), migrates it, fills it with the
synthetic dataset at --scale, writes an ACLED-format CSV of --rows code-generated events under
bench/data/, and starts gunicorn with --workers workers against it. Then, all at once, for --duration
seconds at least and until the import ends:

- readers (--readers threads) fetch the home page, directory, profiles, filtered meeting lists, meeting
  pages, the clashes page and small exports, as anonymous readers would;
- an editor, logged in through the real admin, saves a draft meeting over and over through its change
  form, each save with a new text;
- a data officer runs `manage.py import_clashes` on the CSV.

It then checks that no request failed (every status below 400, 404s included as failures), that no
edit was lost (the meeting holds the last text and its history has one version per save) and that the
import wrote every row, prints readers' requests/s and p50/p99 latency, and writes
bench/results/load-<timestamp>.json. The exit status is non-zero if any check failed.
"""

import argparse
import csv
import datetime
import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import HOST, ROOT, Server, say  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DATA = ROOT / "bench" / "data"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/peacetracker_load"
ACLED_COLUMNS = (
    *("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type"),
    *("sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2"),
    *("interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3"),
    *("location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes"),
    *("fatalities", "tags", "timestamp"),
)
EDITOR = ("load-editor", secrets.token_urlsafe(16))
SETUP_SCRIPT = """
import datetime
from django.contrib.auth.models import Group, User
from negotiations.models import Meeting
from orgs.models import Organisation

editor = User.objects.create_user({username!r}, password={password!r}, is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))
meeting = Meeting.objects.create(
    organisation=Organisation.objects.published().first(),
    status="draft",
    date=datetime.date(2020, 1, 1),
    place="Load test",
    details="start",
)
print(meeting.pk)
"""
CHECK_SCRIPT = """
import json
from negotiations.models import Meeting
from orgs.models import ClashEvent

meeting = Meeting.objects.get(pk={pk})
print(json.dumps({{
    "details": meeting.details_en if hasattr(meeting, "details_en") else meeting.details,
    "versions": meeting.history.count(),
    "events": ClashEvent.objects.filter(event_id_cnty__startswith="LOAD").count(),
}}))
"""


def database_environment(url):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="peacetracker.settings")
    return environment


def database_recreate(url):
    """Drop and create the load test's own database; refuses any name not starting with peacetracker_load."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("peacetracker_load"):
        raise SystemExit(
            f"Refusing to recreate {name!r}: the load test's database name must start with peacetracker_load."
        )
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(environment, *args, capture=False):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout


def acled_file_write(path, rows, seed=7):
    """An ACLED-format CSV of `rows` code-generated events naming the synthetic organisations."""
    rng = random.Random(seed)
    places = [
        ("Kachin", "Myitkyina", "Waingmaw", "Laiza", 24.0, 97.6),
        ("Shan", "Muse", "Muse", "Muse", 23.9, 97.9),
    ]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(ACLED_COLUMNS)
        first = datetime.date(2016, 1, 1)
        for n in range(1, rows + 1):
            day = first + datetime.timedelta(days=rng.randint(0, 3000))
            admin1, admin2, admin3, location, lat, lon = rng.choice(places)
            writer.writerow(
                [
                    f"LOAD{n:07d}", day.isoformat(), day.year, 1,
                    "Political violence", "Battles", "Armed clash",
                    f"Synthetic Organisation {rng.randint(1, 40)}", "", "Rebel group",
                    "Military Forces of Myanmar (2021-)", "", "State forces", "State forces-Rebel group", "",
                    104, "Southeast Asia", "Myanmar", admin1, admin2, admin3, location,
                    f"{lat + rng.uniform(-0.1, 0.1):.4f}", f"{lon + rng.uniform(-0.1, 0.1):.4f}", 1,
                    "Load test source", "National", f"Load test event {n} near {location}.",
                    rng.choice((0, 0, 1, 2)), "", int(time.mktime(day.timetuple())),
                ]
            )  # fmt: skip


class FormFields(HTMLParser):
    """The fields a browser would submit from the admin's change form, with their current values."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append([name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")])
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = select["chosen"] or ([] if select["multiple"] else [select["first"] or ""])
            self.fields.extend([select["name"], value] for value in chosen)
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append([self._textarea[0], self._textarea[1].removeprefix("\n")])
            self._textarea = None
        elif tag == "form":
            self.inside = False


class Browser:
    """One HTTP client with cookies, as a logged-in member of staff would be."""

    def __init__(self, port):
        self.port, self.cookies = port, {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(self, method, path, body=None):
        headers = {"Host": HOST, "Referer": f"http://{HOST}:{self.port}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or ():
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()
        return response.status, response.headers.get("Location", ""), content

    def csrf_token(self, page):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def login(self, admin, username, password):
        status, _location, page = self.request("GET", f"{admin}login/")
        status, location, page = self.request(
            "POST",
            f"{admin}login/?next={admin}",
            {"csrfmiddlewaretoken": self.csrf_token(page), "username": username, "password": password},
        )
        if status != 302:
            raise SystemExit(f"The editor could not log in (HTTP {status}).")


def reader(port, paths, stop, results, seed):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    while not stop.is_set():
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Host": HOST})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            status = f"{type(error).__name__}"
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=60)
        results.append((path, status, (time.perf_counter() - started) * 1000))


def editor(port, admin, meeting_pk, stop, outcome):
    browser = Browser(port)
    browser.login(admin, *EDITOR)
    change = f"{admin}negotiations/meeting/{meeting_pk}/change/"
    saves, failures, last = 0, [], None
    while not stop.is_set() or saves == 0:
        status, _location, page = browser.request("GET", change)
        parser = FormFields("meeting_form")
        parser.feed(page)
        names = {name for name, _value in parser.fields}
        # The English version of the text when the site keeps both languages, else the one field.
        field = next((name for name in ("details_en", "details") if name in names), None)
        if status != 200 or field is None:
            failures.append(f"GET change form: HTTP {status}, details field: {field}")
            break
        text = f"Edited under load, save {saves + 1} at {time.time():.3f}"
        form = [(name, text if name == field else value) for name, value in parser.fields]
        form.append(("_continue", "Save and continue editing"))
        status, location, page = browser.request("POST", change, form)
        if status == 302:
            saves, last = saves + 1, text
        else:
            error_html = r'class="(?:errornote|errorlist[^"]*)"[^>]*>(.*?)</(?:p|ul)>'
            errors = re.findall(error_html, page, re.DOTALL)
            (DATA / "load-editor-failure.html").write_text(page)
            failures.append(f"save {saves + 1}: HTTP {status} {errors[:3]} (page in bench/data/)")
            break
        time.sleep(0.2)
    outcome.update(saves=saves, last=last, failures=failures)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("PEACETRACKER_LOAD_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument(
        "--scale", type=float, default=0.1, help="size of the synthetic dataset (1.0 = the big one)"
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the imported CSV")
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--duration", type=int, default=30, help="minimum seconds of load")
    args = parser.parse_args()

    environment = database_environment(args.database_url)
    say(f"Recreating {urllib.parse.urlsplit(args.database_url).path.lstrip('/')} and migrating it")
    database_recreate(args.database_url)
    manage(environment, "migrate", "--verbosity", "0")
    say(f"Generating the synthetic dataset at scale {args.scale:g}")
    manage(
        environment, "shell", "-c",
        f"from bench.synthetic import synthetic_generate; synthetic_generate({args.scale!r})",
    )  # fmt: skip
    setup = SETUP_SCRIPT.format(username=EDITOR[0], password=EDITOR[1])
    meeting_pk = int(manage(environment, "shell", "-c", setup, capture=True).strip().splitlines()[-1])
    DATA.mkdir(parents=True, exist_ok=True)
    csv_path = DATA / f"load-acled-{args.rows}.csv"
    say(f"Writing {args.rows:,} ACLED rows to {csv_path.relative_to(ROOT)}")
    acled_file_write(csv_path, args.rows)

    server_env = environment | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_LOG_LEVEL": "ERROR",
        "DJANGO_CACHE_URL": f"file://{DATA / 'load-cache'}",
        "DJANGO_CONN_MAX_AGE": "60",
    }
    admin = "/" + os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"
    with Server(server_env, args.workers) as server:
        port = server.port
        probe = http.client.HTTPConnection(HOST, port, timeout=30)
        probe.request("GET", "/meetings/", headers={"Host": HOST, "Accept-Language": "en"})
        response = probe.getresponse()
        response.read()
        prefix = (
            "/en" if response.status in (301, 302) and "/en/" in response.headers.get("Location", "") else ""
        )
        paths = [prefix + p for p in (
            "/", "/organisations/", "/organisations/synthetic-organisation-1/", "/meetings/",
            "/meetings/?country=China&year=2012", "/meetings/?format=formal&sort=-date&page=2",
            "/meetings/?location=Laiza&outcome=agreement", "/meetings/?q=ceasefire",
            "/meetings/export.csv?year=2014&country=China", "/statements/", "/clashes/",
            "/clashes/?year=2018", "/search/?q=Synthetic",
        )]  # fmt: skip
        say(
            f"Load: {args.readers} readers, one editor, one import of {args.rows:,} rows, "
            f"{args.workers} gunicorn workers, at least {args.duration} s"
        )
        stop, results, edits = threading.Event(), [], {}
        threads = [
            threading.Thread(target=reader, args=(port, paths, stop, results, n), daemon=True)
            for n in range(args.readers)
        ]
        threads.append(
            threading.Thread(target=editor, args=(port, admin, meeting_pk, stop, edits), daemon=True)
        )
        started = time.monotonic()
        for thread in threads:
            thread.start()
        import_env = environment | {"DJANGO_CACHE_URL": server_env["DJANGO_CACHE_URL"]}
        importer = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "import_clashes", str(csv_path), "--format", "acled"],
            cwd=ROOT, env=import_env, capture_output=True, text=True,
        )  # fmt: skip
        import_seconds = time.monotonic() - started
        while time.monotonic() - started < args.duration:
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.monotonic() - started

    check = CHECK_SCRIPT.format(pk=meeting_pk)
    state = json.loads(manage(environment, "shell", "-c", check, capture=True).strip().splitlines()[-1])
    latencies = [ms for _path, _status, ms in results]
    failed = [(path, status) for path, status, _ms in results if not isinstance(status, int) or status >= 400]
    checks = {
        "no failed reader request": not failed,
        "import succeeded": importer.returncode == 0,
        "every imported row is there": state["events"] == args.rows,
        "no failed editor save": not edits.get("failures"),
        "the last edit is what the meeting holds": state["details"] == edits.get("last"),
        "one version per save": state["versions"] == edits.get("saves", 0) + 1,
    }
    summary = {
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "args": vars(args),
        "seconds": round(elapsed, 1),
        "import_seconds": round(import_seconds, 1),
        "import_output_tail": importer.stdout[-2000:] + importer.stderr[-2000:],
        "reader_requests": len(results),
        "reader_rps": round(len(results) / elapsed, 1),
        "reader_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "reader_p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
        "reader_failures": failed[:20],
        "editor_saves": edits.get("saves", 0),
        "editor_failures": edits.get("failures"),
        "checks": checks,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(summary, indent=2))
    say(
        f"Readers: {summary['reader_requests']:,} requests, {summary['reader_rps']} req/s, "
        f"p50 {summary['reader_p50_ms']} ms, p99 {summary['reader_p99_ms']} ms, {len(failed)} failed"
    )
    say(f"Editor: {summary['editor_saves']} saves; import of {args.rows:,} rows took {import_seconds:.1f} s")
    for name, ok in checks.items():
        say(f"{'ok  ' if ok else 'FAIL'} {name}")
    if importer.returncode:
        print(summary["import_output_tail"])
    say(f"Results written to {out.relative_to(ROOT)}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
