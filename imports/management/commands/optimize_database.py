"""Refresh the statistics the database's query planner chooses indexes by."""

from django.core.management.base import BaseCommand
from django.db import connection

# Rows SQLite reads per index when it gathers statistics: enough to tell a selective index from a poor one,
# and a few milliseconds however large the tables grow.
SQLITE_ANALYSIS_LIMIT = 1000


class Command(BaseCommand):
    help = (
        "Refresh the query planner's statistics (ANALYZE). PostgreSQL does this by itself (autovacuum); a "
        "SQLite database never does: run this after large imports and daily (cron, a systemd timer)."
    )

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # Statistics from a sample of each index, then whatever else SQLite's own advice finds.
                cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA optimize")
            else:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Statistics refreshed for the {connection.vendor} database.")
