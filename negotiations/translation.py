"""Reader-facing text of meetings, agreements, invitations, statements and developments, in two languages."""

from peacetracker.translation import content_register

from .models import (
    Agreement,
    AgreementPoint,
    Development,
    Meeting,
    MeetingParticipant,
    RejectedInvitation,
    Statement,
)

content_register(Meeting, ["place", "region", "country", "location_text", "details", "delegates_text"])
content_register(MeetingParticipant, ["label", "role"])
content_register(Agreement, ["title", "summary"])
content_register(AgreementPoint, ["text"])
content_register(RejectedInvitation, ["invited_by_text", "proposed_venue", "reason", "description"])
content_register(Statement, ["title", "summary", "quote"])
content_register(Development, ["title", "text"])
