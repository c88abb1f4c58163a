"""Print the likely duplicates among people or organisations, one pair a line, best first."""

from django.core.management.base import BaseCommand

from orgs.duplicates import likely_duplicates
from orgs.merges import MERGEABLE


class Command(BaseCommand):
    help = "List likely duplicate people or organisations: <slug> <slug> <score> <reason>, best first."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(MERGEABLE))

    def handle(self, *args, kind, **options):
        for pair in likely_duplicates(MERGEABLE[kind]):
            self.stdout.write(f"{pair.first.slug} {pair.second.slug} {pair.score:.2f} {pair.reason}")
