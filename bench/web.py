"""Web benchmark: the whole public surface served by gunicorn on 127.0.0.1, on SQLite and on PostgreSQL.

Run from the repository root with the project's Python:

    .venv/bin/python bench/web.py

For each database (--databases, both by default) it makes sure the synthetic dataset is there at --scale
and matches the current migrations (bench/data/synthetic.sqlite3 for SQLite; the throw-away PostgreSQL
database of --database-url, whose name must start with peacetracker_bench), reads from it through Django
which organisation, person, meeting and agreement to show, then starts gunicorn with the page cache off
and then on and measures every endpoint at a fixed concurrency for a fixed time. Every figure is given
as a ratio to /healthz measured in the same server run, so results compare across machines, and checked
against the targets of the speed issue. Results go to bench/results/web-<timestamp>.json.
"""

import argparse
import csv
import http.client
import io
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "synthetic.sqlite3"
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"  # the benchmark never sends traffic anywhere else
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/peacetracker_bench"
DATABASE_PREFIX = "peacetracker_bench"  # the only PostgreSQL databases this benchmark creates or drops
DATABASES = ("sqlite", "postgresql")
MODES = ("uncached", "cached")
MAX_REQUESTS_PER_CLIENT = 200_000

# A word every kind of synthetic text holds (bench/synthetic.py's vocabulary), and the exports' filters.
WORD = "ceasefire"
FILTERED = "/en/meetings/?country=China&year=2012&format=formal"
MEETINGS_EXPORT_QUERY = "year=2012"
CLASHES_EXPORT_QUERY = "kind=clashes"
CLASHES_FILTER_YEAR = 2018

# Targets (issue 14), as a share of /healthz's requests/s measured in the same server run.
UNCACHED_SHARE = {"page": 0.05, "feed": 0.05, "list": 0.10, "filtered": 0.15}
CACHED_SHARE = 0.50
P99_TARGET_MS = 300  # uncached HTML pages
EXPORT_ROWS_PER_S = 50_000  # exports, with the page cache off or on (streamed CSV is never cached)


# (name, kind, path): the kind picks the target; the path is filled in from the dataset's facts.
ENDPOINTS = [
    ("healthz", "trivial", "/healthz"),
    ("home", "page", "/en/"),
    ("directory", "list", "/en/organisations/"),
    ("profile", "page", "/en/organisations/{profile_slug}/"),
    ("person", "page", "/en/people/{person_slug}/"),
    ("meetings", "list", "/en/meetings/"),
    ("meetings_filtered", "filtered", FILTERED),
    ("meetings_q", "list", f"/en/meetings/?q={WORD}"),
    ("meeting", "page", "/en/meetings/{meeting_id}/"),
    ("agreements", "list", "/en/agreements/"),
    ("agreement", "page", "/en/agreements/{agreement_id}/"),
    ("statements", "list", "/en/statements/"),
    ("statements_feed", "feed", "/en/statements/feed/"),
    ("invitations", "list", "/en/invitations/"),
    ("clashes", "list", "/en/clashes/"),
    ("clashes_filtered", "list", f"/en/clashes/?organisation={{clash_slug}}&year={CLASHES_FILTER_YEAR}"),
    ("search", "page", f"/en/search/?q={WORD}"),
    ("meetings_csv", "export", f"/en/meetings/export.csv?{MEETINGS_EXPORT_QUERY}"),
    ("meetings_json", "export", f"/en/meetings/export.json?{MEETINGS_EXPORT_QUERY}"),
    ("clashes_csv", "export", f"/en/clashes/export.csv?{CLASHES_EXPORT_QUERY}"),
    ("my_meetings", "list", "/my/meetings/"),
]
ENDPOINT_NAMES = [name for name, _kind, _path in ENDPOINTS]
# Rows each export should hold, as counted through Django, to check against the rows served.
EXPORT_FACTS = {
    "meetings_csv": "meetings_export_rows",
    "meetings_json": "meetings_export_rows",
    "clashes_csv": "clashes_export_rows",
}

# Run inside `manage.py shell -c` against the database being benchmarked, so that it reads the same way on
# SQLite and PostgreSQL, through the project's own querysets and filtersets. PARAMS is prepended.
FACTS_SCRIPT = """
import json

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

executor = MigrationExecutor(connection)
pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
facts = {"vendor": connection.vendor, "pending_migrations": len(pending), "current": False}
if not pending:
    from django.db.models import Count
    from django.http import QueryDict
    from django.utils import translation

    from bench.synthetic import scaled_sizes
    from negotiations.filters import MeetingFilter
    from negotiations.models import Agreement, Meeting, MeetingParticipant, Statement
    from orgs.filters import ClashFigureFilter
    from orgs.models import ClashEvent, Organisation, Person
    from orgs.selectors import published_figures, visible_events

    published = Organisation.Status.PUBLISHED
    sizes = {
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "meetings": Meeting.objects.count(),
        "clash_events": ClashEvent.objects.count(),
        "statements": Statement.objects.count(),
    }
    facts.update(sizes)
    facts["current"] = sizes == scaled_sizes(PARAMS["scale"])
    if sizes["meetings"]:
        visible = Meeting.objects.public()
        top = (
            visible.order_by().values("organisation__slug").annotate(n=Count("pk"))
            .order_by("-n", "organisation__slug").first()
        )
        facts["profile_slug"], facts["profile_meetings"] = top["organisation__slug"], top["n"]
        top = (
            MeetingParticipant.objects.filter(meeting__in=visible, person__status=published)
            .order_by().values("person__slug").annotate(n=Count("meeting", distinct=True))
            .order_by("-n", "person__slug").first()
        )
        facts["person_slug"], facts["person_meetings"] = top["person__slug"], top["n"]
        # The big organisation's meeting with the most participants among those with an agreement (its
        # first meeting always has one), and that meeting's agreement with the most points.
        agreements = Agreement.objects.public()
        meeting = (
            visible.filter(organisation__slug=facts["profile_slug"], agreements__in=agreements)
            .annotate(n=Count("participants", distinct=True)).order_by("-n", "pk").first()
        )
        facts["meeting_id"], facts["meeting_participants"] = meeting.pk, meeting.n
        agreement = (
            agreements.filter(meeting=meeting).annotate(n=Count("points")).order_by("-n", "pk").first()
        )
        facts["agreement_id"], facts["agreement_points"] = agreement.pk, agreement.n
        top = (
            visible_events().order_by().values("actor1_organisation__slug").annotate(n=Count("pk"))
            .order_by("-n", "actor1_organisation__slug").first()
        )
        facts["clash_slug"], facts["clash_slug_events"] = top["actor1_organisation__slug"], top["n"]

        def count(filterset_class, query, queryset):
            filterset = filterset_class(QueryDict(query), queryset=queryset)
            if not filterset.is_valid():
                raise SystemExit(f"{query}: {filterset.form.errors.as_text()}")
            return filterset.qs.count()

        meetings = Meeting.objects.public().rewrite(False)
        with translation.override("en"):
            facts["filtered_rows"] = count(MeetingFilter, PARAMS["filtered"], meetings)
            facts["q_rows"] = count(MeetingFilter, "q=" + PARAMS["word"], meetings)
            facts["meetings_export_rows"] = count(MeetingFilter, PARAMS["meetings_export"], meetings)
            figures = published_figures()
            facts["clashes_export_rows"] = count(ClashFigureFilter, PARAMS["clashes_export"], figures)
print("FACTS " + json.dumps(facts))
"""


def say(message):
    print(f"==> {message}", flush=True)


def manage(*args, env=None, capture=False):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout


# Datasets: one per database, generated again when it is not at --scale or predates a migration.


def command_environment(database, url):
    """For manage.py commands on the benchmark's database: development settings, no shared cache."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    environment.update(DJANGO_SETTINGS_MODULE="peacetracker.settings", DJANGO_CACHE_URL="locmem://")
    if database == "sqlite":
        environment["PEACETRACKER_SQLITE_PATH"] = str(DATA)
    else:
        environment["DATABASE_URL"] = url
    return environment


def dataset_facts(environment, scale):
    """What the dataset holds and which items to show, read through Django on whichever database."""
    params = {
        "scale": scale,
        "word": WORD,
        "filtered": FILTERED.partition("?")[2],
        "meetings_export": MEETINGS_EXPORT_QUERY,
        "clashes_export": CLASHES_EXPORT_QUERY,
    }
    out = manage("shell", "-c", f"PARAMS = {params!r}\n{FACTS_SCRIPT}", env=environment, capture=True)
    line = next(line for line in reversed(out.splitlines()) if line.startswith("FACTS "))
    return json.loads(line.removeprefix("FACTS "))


def database_name(url):
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not name.startswith(DATABASE_PREFIX):
        raise SystemExit(
            f"Refusing to use {name!r}: the benchmark's PostgreSQL database name must start with "
            f"{DATABASE_PREFIX}, so that it can never recreate another database."
        )
    return name


def postgresql(url, statement, params=None, database="postgres"):
    """Run one statement outside a transaction on the server of `url`, in `database`; its first row."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(urllib.parse.urlunsplit(parts._replace(path=f"/{database}")), autocommit=True) as db:
        cursor = db.execute(statement, params)
        return cursor.fetchone() if cursor.description else None


def prepare_sqlite(args):
    environment = command_environment("sqlite", None)
    facts = dataset_facts(environment, args.scale) if DATA.exists() and not args.regenerate else None
    if facts and facts["current"]:
        return facts
    if facts:
        say(f"{DATA.relative_to(ROOT)} is not at scale {args.scale:g} or predates a migration")
    for path in DATA.parent.glob(DATA.name + "*"):
        path.unlink()
    say(f"Generating the synthetic dataset at scale {args.scale:g} into {DATA.relative_to(ROOT)}")
    started = time.monotonic()
    # The command refuses a target that is its own default database; it makes one of it in a child.
    command_env = {k: v for k, v in environment.items() if k != "PEACETRACKER_SQLITE_PATH"}
    manage("generate_synthetic", "--database-path", str(DATA), "--scale", str(args.scale), env=command_env)
    say(f"SQLite dataset ready in {time.monotonic() - started:.0f} s")
    return dataset_facts(environment, args.scale)


def prepare_postgresql(args):
    url, name = args.database_url, database_name(args.database_url)
    environment = command_environment("postgresql", url)
    exists = postgresql(url, "SELECT count(*) FROM pg_database WHERE datname = %s", [name])[0]
    facts = dataset_facts(environment, args.scale) if exists and not args.regenerate else None
    if facts and facts["current"]:
        return facts
    if facts:
        say(f"PostgreSQL database {name} is not at scale {args.scale:g} or predates a migration")
    say(f"Recreating PostgreSQL database {name}, migrating it and generating at scale {args.scale:g}")
    started = time.monotonic()
    postgresql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    postgresql(url, f'CREATE DATABASE "{name}"')
    manage("migrate", "--verbosity", "0", env=environment)
    generate = (
        f"import sys; from bench.synthetic import synthetic_generate as g; g({args.scale!r}, sys.stdout)"
    )
    manage("shell", "-c", generate, env=environment)
    # Planner statistics and a visibility map, as a database that has been in use would have them.
    postgresql(url, "VACUUM ANALYZE", database=name)
    say(f"PostgreSQL dataset ready in {time.monotonic() - started:.0f} s")
    return dataset_facts(environment, args.scale)


# Serving


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(cache_dir, page_cache, database="sqlite", url=None):
    """Production settings (debug off, a fresh secret key, a throw-away file cache) on `database`."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    environment.update(
        DJANGO_SETTINGS_MODULE="peacetracker.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_LOG_LEVEL="ERROR",
        DJANGO_CACHE_URL=f"file://{cache_dir}",
        PEACETRACKER_SQLITE_PATH=str(DATA),
        PEACETRACKER_PAGE_CACHE="1" if page_cache else "0",
    )
    if database == "postgresql":
        environment["DATABASE_URL"] = url
    return environment


class Server:
    """gunicorn on a free loopback port, stopped on exit."""

    def __init__(self, environment, workers):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "peacetracker.wsgi", "--bind", f"{HOST}:{self.port}"]
        command += ["--workers", str(workers), "--worker-class", "sync", "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment)

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer /healthz within 60 s.")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is the answer measured (wrk does not follow it), so it is reported


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url):
    """Status, X-Cache header and body of one request; a 404 or a redirect is a status, not an error."""
    try:
        with _opener.open(url, timeout=120) as response:
            return response.status, response.headers.get("X-Cache", ""), response.read()
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location")
        return (
            f"{error.code} to {location}" if location else error.code,
            error.headers.get("X-Cache", ""),
            b"",
        )


def rows_in(path, body):
    """Data rows in one export response: CSV lines after the header, or the JSON document's count."""
    if ".json" in path:
        return json.loads(body)["count"]
    return sum(1 for _row in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1


# Load generators: wrk where installed, otherwise a process per client with http.client.


def wrk_run(url, clients, seconds):
    threads = str(max(1, min(clients, os.cpu_count() or 1)))
    result = subprocess.run(
        ["wrk", "-t", threads, "-c", str(clients), "-d", f"{seconds}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    out = result.stdout

    def latency_ms(percentile):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency_ms(50),
        "p99_ms": latency_ms(99),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def _python_client(args):
    port, path, seconds = args
    latencies, errors = [], 0
    deadline = time.monotonic() + seconds
    connection = None
    while time.monotonic() < deadline and len(latencies) < MAX_REQUESTS_PER_CLIENT:
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException):
            errors += 1
            connection = None
            continue
        latencies.append(time.perf_counter() - started)
    return latencies, errors


def python_run(url, clients, seconds):
    port, path = int(url.split(":")[2].split("/")[0]), "/" + url.split("/", 3)[3]
    started = time.monotonic()
    with multiprocessing.Pool(clients) as pool:
        results = pool.map(_python_client, [(port, path, seconds)] * clients)
    elapsed = time.monotonic() - started
    latencies = sorted(latency for client, _errors in results for latency in client)
    if len(latencies) < 2:
        return {"requests": len(latencies), "rps": 0.0, "p50_ms": None, "p99_ms": None, "errors": clients}
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": quantiles[49] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "errors": sum(errors for _client, errors in results),
    }


# Measuring and judging


def target_check(kind, mode, row):
    """The target an endpoint is held to in this mode, as text, and whether it was met (None: no target)."""
    if kind == "trivial":
        return "the ceiling", None
    if "skipped" in row:
        return row["skipped"], False
    clean = not row["errors"]
    if kind == "export":
        return f"≥ {EXPORT_ROWS_PER_S:,} rows/s", clean and row["rows_per_s"] >= EXPORT_ROWS_PER_S
    if mode == "cached":
        return f"≥ {CACHED_SHARE:.0%}", clean and row["ratio"] >= CACHED_SHARE
    share = UNCACHED_SHARE[kind]
    met = clean and row["ratio"] >= share and row["p99_ms"] is not None and row["p99_ms"] < P99_TARGET_MS
    return f"≥ {share:.0%}, p99 < {P99_TARGET_MS} ms", met


def measure(server, endpoints, args, load, mode, rows):
    """Measure each endpoint in turn into `rows`, /healthz first: every ratio is to its requests/s."""
    for name, kind, path in endpoints:
        url = server.base + path
        status, x_cache, body = fetch(url)
        row = {"path": path, "kind": kind}
        if status != 200:
            say(f"{name}: {path} answered {status}; not measured")
            row["skipped"] = f"HTTP {status}"
        else:
            try:
                if args.warmup:
                    load(url, args.clients, args.warmup)
                second = fetch(url)[1]
                row |= load(url, args.clients, args.duration)
            except (OSError, subprocess.SubprocessError, AttributeError) as error:
                say(f"{name}: the load generator failed ({error}); not measured")
                row["skipped"] = f"load failed: {type(error).__name__}"
        if "skipped" not in row:
            row.update(bytes=len(body), x_cache=[x_cache, second] if x_cache else [])
            trivial = rows["healthz"].get("rps") if rows else row["rps"]
            row["ratio"] = row["rps"] / trivial if trivial else 0.0
            if kind == "export":
                row["rows"] = rows_in(path, body)
                row["rows_per_s"] = row["rows"] * row["rps"]
            p50, p99 = row["p50_ms"] or 0.0, row["p99_ms"] or 0.0
            say(f"{name}: {row['rps']:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        row["target"], row["met"] = target_check(kind, mode, row)
        rows[name] = row


def print_tables(runs):
    verdicts = []
    for database, run in runs.items():
        for mode, rows in run["results"].items():
            print()
            print(f"{database}, page cache {'off' if mode == 'uncached' else 'on'}")
            print(
                f"  {'endpoint':17} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs /healthz':>11} "
                f"{'rows/s':>10}  {'target':26} result"
            )
            for name, row in rows.items():
                verdict = {None: "", True: "met", False: "NOT met"}[row["met"]]
                if row["met"] is not None:
                    verdicts.append(row["met"])
                if "skipped" in row:
                    print(f"  {name:17} {'—':>8} {'':49}  {row['target']:26} {verdict}")
                    continue
                rows_per_s = f"{row['rows_per_s']:10,.0f}" if "rows_per_s" in row else f"{'':10}"
                p50 = f"{row['p50_ms']:8.1f}" if row["p50_ms"] is not None else f"{'—':>8}"
                p99 = f"{row['p99_ms']:8.1f}" if row["p99_ms"] is not None else f"{'—':>8}"
                errors = f"  [{row['errors']} errors]" if row["errors"] else ""
                if mode == "cached" and row["kind"] != "trivial" and row["x_cache"][1:] != ["HIT"]:
                    errors += f"  [X-Cache: {(row['x_cache'] or ['none'])[-1]}]"
                print(
                    f"  {name:17} {row['rps']:8.0f} {p50} {p99} {row['ratio']:11.1%} {rows_per_s}  "
                    f"{row['target']:26} {verdict}{errors}"
                )
        print()
        print(f"{database} paths:")
        for name, row in next(iter(run["results"].values()), {}).items():
            rows = f" ({row['rows']:,} rows a response)" if "rows" in row else ""
            print(f"  {name:17} {row['path']}{rows}")
    print()
    met = sum(verdicts)
    print(f"targets: {met} met, {len(verdicts) - met} NOT met")


def _stop_on_sigterm(signum, frame):
    raise SystemExit(f"Stopped by signal {signum}.")


def names_list(value, allowed, what):
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown or not names:
        given = ", ".join(unknown) or "(none)"
        raise argparse.ArgumentTypeError(f"unknown {what} {given}; choose from {', '.join(allowed)}")
    return list(dict.fromkeys(names))


def main():
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per endpoint (max 60)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per endpoint (max 10)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (max 64)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (max 16)")
    parser.add_argument("--scale", type=float, default=1.0, help="dataset scale (generated again if not)")
    parser.add_argument("--regenerate", action="store_true", help="generate the datasets again")
    parser.add_argument(
        "--databases",
        type=lambda value: names_list(value, DATABASES, "database"),
        default=list(DATABASES),
        help="sqlite, postgresql or both (default both)",
    )
    parser.add_argument(
        "--modes",
        type=lambda value: names_list(value, MODES, "mode"),
        default=list(MODES),
        help="uncached, cached or both (default both)",
    )
    parser.add_argument(
        "--only",
        type=lambda value: names_list(value, ENDPOINT_NAMES, "endpoint"),
        help="measure only these endpoints (and /healthz, the ceiling), e.g. meetings_filtered,profile",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("PEACETRACKER_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"the throw-away PostgreSQL database (name starting with {DATABASE_PREFIX})",
    )
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    if not (1 <= args.duration <= 60 and 0 <= args.warmup <= 10 and 1 <= args.clients <= 64):
        parser.error("duration 1-60 s, warm-up 0-10 s, clients 1-64")
    if not 1 <= args.workers <= 16:
        parser.error("workers 1-16")
    if not 0 < args.scale <= 10:
        parser.error("scale above 0 and at most 10")
    if "postgresql" in args.databases:
        database_name(args.database_url)
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    load = wrk_run if tool == "wrk" else python_run
    chosen = ["healthz", *(args.only or ENDPOINT_NAMES)]

    started = time.monotonic()
    prepare = {"sqlite": prepare_sqlite, "postgresql": prepare_postgresql}
    datasets = {database: prepare[database](args) for database in args.databases}
    measured = len(dict.fromkeys(chosen)) * len(args.modes) * len(args.databases)
    say(
        f"{measured} measurements of {args.warmup + args.duration} s: about "
        f"{measured * (args.warmup + args.duration) / 60:.1f} min, plus starting servers; load by {tool}, "
        f"{args.clients} clients, {args.workers} gunicorn workers"
    )
    runs, complete = {}, False
    try:
        run_all(args, datasets, chosen, load, runs)
        complete = True
    finally:
        # What was measured is kept even when the run is stopped part of the way.
        if any(run["results"] for run in runs.values()):
            print_tables(runs)
            report_write(args, tool, runs, complete, time.monotonic() - started)


def run_all(args, datasets, chosen, load, runs):
    with tempfile.TemporaryDirectory(prefix="peacetracker-bench-") as tmp:
        collect_env = server_environment(Path(tmp) / "cache", page_cache=False)
        manage("collectstatic", "--no-input", "-v", "0", env=collect_env)
        for database, facts in datasets.items():
            endpoints = [(n, kind, path.format(**facts)) for n, kind, path in ENDPOINTS if n in chosen]
            say(
                f"{database}: {facts['meetings']:,} meetings, {facts['clash_events']:,} clash events; "
                f"profile {facts['profile_slug']} ({facts['profile_meetings']} meetings), person "
                f"{facts['person_slug']} ({facts['person_meetings']} meetings), filtered list "
                f"{facts['filtered_rows']} rows, exports {facts['meetings_export_rows']:,} and "
                f"{facts['clashes_export_rows']:,} rows"
            )
            runs[database] = {"dataset": facts, "results": {}}
            for mode in args.modes:
                cache_dir = Path(tmp) / f"cache-{database}-{mode}"
                environment = server_environment(cache_dir, mode == "cached", database, args.database_url)
                say(f"{database}: serving with the page cache {'on' if mode == 'cached' else 'off'}")
                rows = runs[database]["results"][mode] = {}
                with Server(environment, args.workers) as server:
                    measure(server, endpoints, args, load, mode, rows)
                for name, key in EXPORT_FACTS.items():
                    if "rows" in rows.get(name, {}) and rows[name]["rows"] != facts[key]:
                        say(f"{name}: {rows[name]['rows']} rows served, {facts[key]} counted through Django")


def report_write(args, tool, runs, complete, seconds):
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"web-{time.strftime('%Y%m%d-%H%M%S')}.json"
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    settings = {k: v for k, v in vars(args).items() if k not in ("tool", "database_url")}
    settings |= {"tool": tool, "cpus": os.cpu_count()}
    if "postgresql" in args.databases:
        settings["postgresql_database"] = database_name(args.database_url)
    targets = {
        "uncached_share": UNCACHED_SHARE,
        "uncached_p99_ms": P99_TARGET_MS,
        "cached_share": CACHED_SHARE,
        "export_rows_per_s": EXPORT_ROWS_PER_S,
    }
    payload = {
        "commit": commit.strip(),
        "complete": complete,
        "seconds": round(seconds),
        "settings": settings,
        "targets": targets,
        "databases": runs,
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    note = "" if complete else " (an incomplete run)"
    say(f"Results written to {path.relative_to(ROOT)}{note}; the run took {seconds / 60:.1f} min")


if __name__ == "__main__":
    main()
