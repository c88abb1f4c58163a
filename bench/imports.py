"""Import benchmark: the clash import engine against a plain sqlite3.executemany insert of the same rows.

Run from the repository root with the project's Python:

    .venv/bin/python bench/imports.py

It writes a 100,000-row ACLED-format file (bench/data/acled-100k.csv) from the synthetic generator's
events, then times, in the same run: the engine importing it into a fresh, migrated SQLite database (the
command's path: batch recorded, every cell checked, actors matched, rows and their history written),
the same file imported again unchanged, and the floor: sqlite3.executemany inserting the same parsed rows
into a table with the same definition and indexes. Each engine run is a child process whose peak memory
reports its own peak memory from getrusage. Results go to bench/results/imports-<timestamp>.json.
"""

import argparse
import csv
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
TARGETS = {"fresh": 4.0, "unchanged": 3.0, "peak_memory_mb": 300}


def say(message):
    print(f"==> {message}", flush=True)


def environment(database):
    return {
        **{name: value for name, value in os.environ.items() if name != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "peacetracker.settings",
        "PEACETRACKER_SQLITE_PATH": str(database),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 50,
        "DJANGO_CACHE_URL": "locmem://",
    }


def manage(database, *args):
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=environment(database), check=True
    )


def fresh_database(path):
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    manage(path, "migrate", "--no-input", "-v", "0")


def acled_columns():
    sys.path.insert(0, str(ROOT))
    os.environ.update(environment(DATA / "imports-engine.sqlite3"))
    import django

    django.setup()
    from orgs.exports import ACLED_COLUMNS

    return ACLED_COLUMNS


def write_file(path, rows):
    """The synthetic generator's events as an ACLED export; a third of the dates written as ACLED does."""
    source = DATA / "imports-source.sqlite3"
    if not source.exists():
        say(f"Generating synthetic events into {source.relative_to(ROOT)}")
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "generate_synthetic", "--database-path", str(source)],
            cwd=ROOT,
            env=environment(DATA / "imports-engine.sqlite3"),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    months = ["", "January", "February", "March", "April", "May", "June", "July", "August"]
    months += ["September", "October", "November", "December"]
    columns = acled_columns()
    with sqlite3.connect(source) as db, open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        names = ", ".join(f'"{c}"' for c in columns)
        query = f"SELECT {names} FROM orgs_clashevent ORDER BY id LIMIT ?"
        for n, row in enumerate(db.execute(query, (rows,))):
            row = ["" if value is None else value for value in row]
            if n % 3 == 0:
                year, month, day = row[1].split("-")
                row[1] = f"{int(day)} {months[int(month)]} {year}"
            writer.writerow(row)


def child(path, database):
    """Run in a child process: one import through the engine, timed, as JSON on stdout."""
    sys.path.insert(0, str(ROOT))
    os.environ.clear()
    os.environ.update(environment(database))
    import django

    django.setup()
    from imports.services import import_batch_create, import_batch_run

    started = time.perf_counter()
    data = Path(path).read_bytes()
    batch = import_batch_create(data, Path(path).name, "acled")
    report = import_batch_run(batch)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, **report.as_json()}))


def engine_run(path, database):
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(database)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def floor(path, database, floor_database):
    """sqlite3.executemany of the file's parsed rows into a table defined like the engine's."""
    with sqlite3.connect(database) as db:
        ddl = [
            sql
            for (sql,) in db.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'orgs_clashevent' AND sql IS NOT NULL"
            )
        ]
    for old in floor_database.parent.glob(floor_database.name + "*"):
        old.unlink()
    with open(path, newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        rows = [tuple(row) for row in reader]
    db = sqlite3.connect(floor_database, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    for statement in ddl:
        db.execute(statement)
    names = ", ".join(f'"{c}"' for c in header)
    marks = ", ".join("?" * len(header))
    started = time.perf_counter()
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO orgs_clashevent ({names}, import_hash) VALUES ({marks}, '')", rows)
    db.execute("COMMIT")
    seconds = time.perf_counter() - started
    db.close()
    return seconds, len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = DATA / f"acled-{args.rows // 1000}k.csv"
    if not path.exists():
        say(f"Writing {args.rows:,} ACLED-format rows to {path.relative_to(ROOT)}")
        write_file(path, args.rows)
    database = DATA / "imports-engine.sqlite3"
    say("Migrating a fresh database")
    fresh_database(database)

    say("Engine, fresh database")
    fresh = engine_run(path, database)
    say("Engine, the same file again (unchanged)")
    unchanged = engine_run(path, database)
    # Each engine run reports its own process's peak (getrusage RUSAGE_SELF), Django and all.
    peak_mb = max(fresh["peak_mb"], unchanged["peak_mb"])
    say("Floor: sqlite3.executemany of the same rows")
    floor_seconds, floor_rows = floor(path, database, DATA / "imports-floor.sqlite3")

    result = {
        "rows": floor_rows,
        "file_bytes": path.stat().st_size,
        "floor_seconds": round(floor_seconds, 3),
        "fresh_seconds": round(fresh["seconds"], 3),
        "fresh_counts": {k: fresh[k] for k in ("created", "updated", "unchanged", "invalid")},
        "unchanged_seconds": round(unchanged["seconds"], 3),
        "unchanged_counts": {k: unchanged[k] for k in ("created", "updated", "unchanged", "invalid")},
        "fresh_ratio": round(fresh["seconds"] / floor_seconds, 2),
        "unchanged_ratio": round(unchanged["seconds"] / floor_seconds, 2),
        "peak_memory_mb": round(peak_mb, 1),
        "targets": TARGETS,
    }
    result["met"] = (
        result["fresh_ratio"] <= TARGETS["fresh"]
        and result["unchanged_ratio"] <= TARGETS["unchanged"]
        and result["peak_memory_mb"] < TARGETS["peak_memory_mb"]
    )
    out = RESULTS / f"imports-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    say(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
