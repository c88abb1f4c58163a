"""`manage.py optimize_database` gives the query planner statistics, which a SQLite site never gathers."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import make_org


def planner_statistics():
    """(table, index) pairs the planner holds statistics for."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return set()
            cursor.execute("SELECT tbl, idx FROM sqlite_stat1")
        else:
            cursor.execute("SELECT tablename, attname FROM pg_stats WHERE schemaname = current_schema()")
        return set(cursor.fetchall())


@pytest.mark.django_db
def test_optimize_database_gathers_statistics_for_the_tables_a_site_filled(capsys):
    for number in range(30):
        make_org(name=f"Organisation {number}", slug=f"organisation-{number}")
    table = "orgs_organisation"
    assert not any(name == table for name, _ in planner_statistics())

    call_command("optimize_database")

    assert any(name == table for name, _ in planner_statistics())
    assert "Statistics refreshed" in capsys.readouterr().out
