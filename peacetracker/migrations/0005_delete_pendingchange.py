from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("peacetracker", "0004_pending_changes_as_revisions")]

    operations = [migrations.DeleteModel(name="PendingChange")]
