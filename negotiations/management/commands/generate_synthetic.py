"""Generate the large synthetic dataset into its own SQLite file, never the site's database or fixtures/."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.synthetic import SIZES, synthetic_generate
from orgs.models import Organisation

# Set for the re-run of this command that has the target file as its default database.
TARGET_ENV = "PEACETRACKER_SYNTHETIC_TARGET"


class Command(BaseCommand):
    help = (
        "Create a new SQLite database at --database-path, migrate it and fill it with obviously synthetic "
        f"content ({', '.join(f'{n:,} {name}' for name, n in SIZES.items())} at scale 1). "
        "Refuses the site's own database and any database that already holds content."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-path",
            required=True,
            help="The SQLite file to create, e.g. bench/data/synthetic.sqlite3.",
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every size by this (default 1.0)."
        )

    def handle(self, *args, database_path, scale, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        target = Path(database_path).expanduser().resolve()
        self.refuse_unsafe(target)
        if os.environ.get(TARGET_ENV) == str(target):
            self.generate(target, scale)
            return
        # Settings fix the default database when Django starts, so a fresh process gets the target as its
        # default: migrate's own handlers (content types, the editorial groups) then write there too.
        target.parent.mkdir(parents=True, exist_ok=True)
        environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        environment.update(PEACETRACKER_SQLITE_PATH=str(target), **{TARGET_ENV: str(target)})
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "generate_synthetic"]
        command += ["--database-path", str(target), "--scale", str(scale)]
        with subprocess.Popen(
            command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as child:
            for line in child.stdout:
                self.stdout.write(line, ending="")
        if child.returncode:
            raise CommandError(f"Generating into {target} failed (exit code {child.returncode}).")

    def refuse_unsafe(self, target):
        """Refuse the site's database, fixtures/ and any file that already holds content."""
        own = Path(settings.BASE_DIR / "db.sqlite3").resolve()
        if target == own:
            raise CommandError(f"{target} is the site's own database; give a separate file.")
        if Path(settings.BASE_DIR / "fixtures").resolve() in target.parents:
            raise CommandError("Synthetic data is never written under fixtures/.")
        default = settings.DATABASES["default"]
        if (
            os.environ.get(TARGET_ENV) != str(target)
            and default["ENGINE"] == "django.db.backends.sqlite3"
            and Path(default["NAME"]).resolve() == target
        ):
            raise CommandError(f"{target} is the database this site is running on; give a separate file.")
        if target.exists() and target.stat().st_size:
            self.refuse_content(target)

    def refuse_content(self, target):
        try:
            with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as db:
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if "orgs_organisation" not in tables:
                    return
                real = db.execute(
                    "SELECT count(*) FROM orgs_organisation WHERE slug NOT LIKE 'synthetic-%'"
                ).fetchone()[0]
                synthetic = db.execute("SELECT count(*) FROM orgs_organisation").fetchone()[0] - real
        except sqlite3.DatabaseError as error:
            raise CommandError(f"{target} is not a SQLite database this command can use: {error}.") from error
        if real:
            raise CommandError(
                f"{target} holds the seed profile or other real content ({real} organisations); "
                "synthetic data goes into a separate, new file."
            )
        if synthetic:
            raise CommandError(
                f"{target} already holds synthetic data; delete the file to generate it again."
            )

    def generate(self, target, scale):
        if connection.vendor != "sqlite" or Path(connection.settings_dict["NAME"]).resolve() != target:
            raise CommandError(f"Expected {target} as the default database.")
        self.stdout.write(f"Migrating {target} …")
        call_command("migrate", interactive=False, verbosity=0)
        if Organisation.objects.exists():
            raise CommandError(f"{target} already holds content.")
        self.stdout.write(f"Generating synthetic content at scale {scale:g} …")
        counts = synthetic_generate(scale=scale, stdout=self.stdout)
        with connection.cursor() as cursor:
            # Planner statistics, as a database that has been in use would have them.
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {sum(counts.values()):,} rows into {target} (nothing from fixtures/).")
        )
