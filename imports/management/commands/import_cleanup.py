"""Delete uploaded clash files never confirmed, once they are older than the upload age limit."""

import datetime

from django.core.management.base import BaseCommand

from imports.services import import_uploads_cleanup


class Command(BaseCommand):
    help = (
        "Delete uploads checked but never confirmed (and any stored upload file left without its record) "
        "older than PEACETRACKER_IMPORT_UPLOAD_MAX_AGE_SECONDS, and what failed imports staged. Run it "
        "daily (cron, a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="HOURS",
            help="the age limit in hours, instead of the setting",
        )

    def handle(self, *args, **options):
        hours = options["older_than"]
        max_age = datetime.timedelta(hours=hours) if hours is not None else None
        removed = import_uploads_cleanup(max_age)
        self.stdout.write(
            f"Deleted {removed['uploads']} unconfirmed uploads, {removed['files']} stored files without "
            f"an upload and {removed['staged rows']} staged rows of finished imports."
        )
