from django.db import migrations

from peacetracker.legacy import convert_pending_changes


class Migration(migrations.Migration):
    """Every pending change stored as an admin POST becomes a revision stored as data."""

    dependencies = [
        ("peacetracker", "0003_revisions"),
        ("orgs", "0007_clash_event_year_index_in_year_actors"),
        ("negotiations", "0008_meeting_public_in_order_covers_filters"),
    ]

    operations = [migrations.RunPython(convert_pending_changes, migrations.RunPython.noop)]
