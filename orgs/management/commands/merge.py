"""Merge one person or organisation into another from a script, with the admin's permissions."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgs.merges import MERGEABLE, merge_plan, merge_propose
from peacetracker.models import Merge


class Command(BaseCommand):
    help = (
        "Merge MERGED_SLUG into KEEP_SLUG as USERNAME: a moderator's merge applies at once, an editor's "
        "waits for a moderator's review."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(MERGEABLE))
        parser.add_argument("keep_slug")
        parser.add_argument("merged_slug")
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--note", default="")

    def handle(self, *args, kind, keep_slug, merged_slug, username, note, **options):
        model = MERGEABLE[kind]
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        records = {obj.slug: obj for obj in model._default_manager.filter(slug__in=[keep_slug, merged_slug])}
        for slug in (keep_slug, merged_slug):
            if slug not in records:
                raise CommandError(f"No {model._meta.verbose_name} with the slug {slug!r}.")
        kept, merged = records[keep_slug], records[merged_slug]
        plan = merge_plan(kept, merged)
        try:
            merge = merge_propose(kept, merged, user, note, plan.digest)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        for group in plan.groups:
            self.stdout.write(f"  {group.label}: {len(group.moved)} moved, {len(group.stays)} staying")
        for conflict in plan.conflicts:
            self.stdout.write(f"  both listed: {conflict['where']} ({conflict['resolution']})")
        if merge.state == Merge.State.APPLIED:
            self.stdout.write(f"merged {merged_slug} into {keep_slug} (merge {merge.pk})")
        else:
            self.stdout.write(
                f"proposed merge {merge.pk}: {merged_slug} into {keep_slug}; waits for a moderator's review"
            )
