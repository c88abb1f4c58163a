"""Scripted moderation: list what waits, approve or reject revisions, with the admin's permission checks."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from peacetracker import services
from peacetracker.models import Revision


class Command(BaseCommand):
    help = "List revisions waiting for review, or approve or reject them as a moderator."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("pending", help="What waits: id, item, editor, age, fields changed.")
        approve = sub.add_parser("approve", help="Approve revisions by id.")
        approve.add_argument("ids", nargs="+", type=int)
        approve.add_argument("--as", dest="username", required=True)
        approve.add_argument("--comment", default="")
        reject = sub.add_parser("reject", help="Reject revisions by id, with a comment the editor sees.")
        reject.add_argument("ids", nargs="+", type=int)
        reject.add_argument("--as", dest="username", required=True)
        reject.add_argument("--comment", required=True)

    def handle(self, *args, verb, **options):
        if verb == "pending":
            return self.pending()
        user = get_user_model()._default_manager.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if not services.user_can_moderate(user):
            raise CommandError(f"{user} cannot moderate: only moderators approve or reject.")
        failed = 0
        for pk in options["ids"]:
            revision = Revision.objects.select_related("created_by").filter(pk=pk).first()
            if revision is None:
                self.stderr.write(f"{pk}: no such revision")
                failed += 1
                continue
            try:
                if verb == "approve":
                    services.revision_approve(revision, user, revision.digest, options["comment"])
                else:
                    services.revision_reject(revision, user, options["comment"])
            except (ValidationError, PermissionDenied) as error:
                self.stderr.write(f"{pk}: {' '.join(getattr(error, 'messages', [str(error)]))}")
                failed += 1
            else:
                self.stdout.write(f"{pk}: {verb}d ({revision.object_repr})")
        if failed:
            raise CommandError(f"{failed} of {len(options['ids'])} not {verb}d.")

    def pending(self):
        now = timezone.now()
        waiting = Revision.objects.filter(state=Revision.State.PENDING).select_related(
            "created_by", "content_type"
        )
        for revision in waiting:
            hours = (now - revision.created_at).total_seconds() / 3600
            age = f"{hours:.0f}h" if hours < 48 else f"{hours / 24:.0f}d"
            fields = ", ".join(revision.changed_fields) or "-"
            self.stdout.write(
                f"{revision.pk}\t{revision.content_type.model} {revision.object_id}: {revision.object_repr}"
                f"\t{revision.created_by}\t{age}\t{revision.get_kind_display()}\t{fields}"
            )
