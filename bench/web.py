"""Web benchmark: the public pages served by gunicorn on 127.0.0.1 against the synthetic dataset.

Run from the repository root with the project's Python:

    .venv/bin/python bench/web.py

It generates bench/data/synthetic.sqlite3 (scale 1.0) if missing, then starts gunicorn twice, with the
page cache off and then on, and measures each endpoint at a fixed concurrency for a fixed time. Every
figure is also given as a ratio to the trivial view (/healthz) measured in the same server, so results
compare across machines. Results go to bench/results/web-<timestamp>.json.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "synthetic.sqlite3"
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"  # the benchmark never sends traffic anywhere else

TARGETS = {"uncached": 0.10, "cached": 0.50}
P99_TARGET_MS = 100
FILTERED = "/en/meetings/?country=China&year=2012&format=formal"
EXPORT = "/en/meetings/export.csv?from=2011-01-01&to=2013-12-31"
MAX_REQUESTS_PER_CLIENT = 200_000


def say(message):
    print(f"==> {message}", flush=True)


def manage(*args, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True, **kwargs
    )


def dataset_is_current():
    """True if the synthetic file has every migration applied (it was made before a schema change if not)."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["PEACETRACKER_SQLITE_PATH"] = str(DATA)
    check = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
    )
    return check.returncode == 0


def ensure_dataset(scale, regenerate):
    if DATA.exists() and not regenerate and not dataset_is_current():
        say("The synthetic dataset predates the current migrations: generating it again")
        regenerate = True
    if regenerate and DATA.exists():
        for path in DATA.parent.glob(DATA.name + "*"):
            path.unlink()
    if not DATA.exists():
        say(f"Generating the synthetic dataset at scale {scale:g} into {DATA.relative_to(ROOT)}")
        manage("generate_synthetic", "--database-path", str(DATA), "--scale", str(scale))


def dataset_facts():
    """The big organisation to profile and the sizes behind each endpoint, read straight from the file."""
    db = sqlite3.connect(f"file:{DATA}?mode=ro", uri=True)
    visible = (
        "FROM negotiations_meeting m JOIN orgs_organisation o ON o.id = m.organisation_id "
        "WHERE m.status = 'published' AND o.status = 'published'"
    )
    slug, meetings = db.execute(
        f"SELECT o.slug, count(*) {visible} GROUP BY o.slug ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    facts = {
        "meetings": db.execute("SELECT count(*) FROM negotiations_meeting").fetchone()[0],
        "clash_events": db.execute("SELECT count(*) FROM orgs_clashevent").fetchone()[0],
        "profile_slug": slug,
        "profile_meetings": meetings,
        "filtered_rows": db.execute(
            f"SELECT count(*) {visible} AND m.country = 'China' AND m.format = 'formal' "
            "AND m.date BETWEEN '2012-01-01' AND '2012-12-31'"
        ).fetchone()[0],
        "export_rows": db.execute(
            f"SELECT count(*) {visible} AND m.date BETWEEN '2011-01-01' AND '2013-12-31'"
        ).fetchone()[0],
    }
    db.close()
    return facts


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(cache_dir, page_cache):
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


def fetch(url):
    """Status, X-Cache header and body size of one request; a 404 is a status, not an error."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers.get("X-Cache", ""), len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache", ""), 0


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
    if not latencies:
        return {"requests": 0, "rps": 0.0, "p50_ms": None, "p99_ms": None, "errors": clients}
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": quantiles[49] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "errors": sum(errors for _client, errors in results),
    }


def measure(server, endpoints, args, load):
    rows = {}
    for name, path in endpoints.items():
        url = server.base + path
        status, x_cache, size = fetch(url)
        if status != 200:
            say(f"{name}: {path} answered {status}; skipped")
            rows[name] = {"path": path, "skipped": f"HTTP {status}"}
            continue
        load(url, args.clients, args.warmup)
        second = fetch(url)[1]
        result = load(url, args.clients, args.duration)
        result.update(path=path, bytes=size, x_cache=[x_cache, second] if x_cache else [])
        rows[name] = result
        say(
            f"{name}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms"
        )
    trivial = rows["trivial"]["rps"]
    for row in rows.values():
        if "rps" in row:
            row["ratio"] = row["rps"] / trivial if trivial else None
    return rows


def print_table(results):
    print()
    print(f"{'mode':9} {'endpoint':10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs trivial':>10}  path")
    for mode, rows in results.items():
        for name, row in rows.items():
            if "skipped" in row:
                print(f"{mode:9} {name:10} {'skipped':>8} {'':>28}  {row['path']} ({row['skipped']})")
                continue
            print(
                f"{mode:9} {name:10} {row['rps']:8.0f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} "
                f"{row['ratio']:10.1%}  {row['path']}"
                + (f"  [{row['errors']} errors]" if row["errors"] else "")
            )
    print()
    for mode, target in TARGETS.items():
        row = results.get(mode, {}).get("filtered")
        if not row or "rps" not in row:
            continue
        ratio_ok = row["ratio"] >= target
        p99_ok = row["p99_ms"] < P99_TARGET_MS
        print(
            f"target, {mode} filtered list: {row['ratio']:.1%} of trivial (≥ {target:.0%}: "
            f"{'met' if ratio_ok else 'NOT met'}), p99 {row['p99_ms']:.1f} ms "
            f"(< {P99_TARGET_MS} ms: {'met' if p99_ok else 'NOT met'})"
        )


def _stop_on_sigterm(signum, frame):
    raise SystemExit(f"Stopped by signal {signum}.")


def main():
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per endpoint (max 60)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per endpoint (max 10)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (max 64)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (max 16)")
    parser.add_argument("--scale", type=float, default=1.0, help="dataset scale when generating it")
    parser.add_argument("--regenerate", action="store_true", help="generate the dataset again")
    parser.add_argument("--modes", default="uncached,cached", help="uncached, cached or both")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    if not (1 <= args.duration <= 60 and 0 <= args.warmup <= 10 and 1 <= args.clients <= 64):
        parser.error("duration 1-60 s, warm-up 0-10 s, clients 1-64")
    if not 1 <= args.workers <= 16:
        parser.error("workers 1-16")
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    load = wrk_run if tool == "wrk" else python_run

    ensure_dataset(args.scale, args.regenerate)
    facts = dataset_facts()
    endpoints = {
        "trivial": "/healthz",
        "filtered": FILTERED,
        "profile": f"/en/organisations/{facts['profile_slug']}/",
        "export": EXPORT,
    }
    say(
        f"{facts['meetings']:,} meetings, {facts['clash_events']:,} clash events; filtered list "
        f"{facts['filtered_rows']} rows, profile {facts['profile_meetings']} meetings, "
        f"export {facts['export_rows']:,} rows; load by {tool}, {args.clients} clients, "
        f"{args.workers} workers, {args.duration} s per endpoint"
    )
    with tempfile.TemporaryDirectory(prefix="peacetracker-bench-") as tmp:
        collect_env = server_environment(Path(tmp) / "cache", page_cache=False)
        manage("collectstatic", "--no-input", "-v", "0", env=collect_env)
        results = {}
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            if mode not in TARGETS:
                parser.error(f"unknown mode {mode!r}")
            cache_dir = Path(tmp) / f"cache-{mode}"
            say(f"Serving with the page cache {'on' if mode == 'cached' else 'off'}")
            with Server(server_environment(cache_dir, mode == "cached"), args.workers) as server:
                results[mode] = measure(server, endpoints, args, load)
    print_table(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"web-{time.strftime('%Y%m%d-%H%M%S')}.json"
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    settings = {k: v for k, v in vars(args).items() if k != "tool"} | {"tool": tool, "cpus": os.cpu_count()}
    payload = {"commit": commit.strip(), "settings": settings, "dataset": facts, "results": results}
    path.write_text(json.dumps(payload, indent=2) + "\n")
    say(f"Results written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
