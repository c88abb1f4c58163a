"""The reader-facing text of organisations and people, in English and Burmese.

Names in other forms and scripts live in `OrganisationAlias` and `PersonAlias`, which are not
translated: each alias is one name, in whatever script it is written.
"""

from peacetracker.translation import content_register

from .models import (
    AllianceMembership,
    ClashFigure,
    Office,
    Organisation,
    OrganisationLink,
    Person,
    Role,
    Team,
    TeamMember,
)

content_register(
    Organisation,
    [
        "name",
        "armed_wing",
        "profile_title",
        "headquarters",
        "active_territories",
        "strength_text",
        "nca_note",
        "summary",
        "contacts_note",
    ],
)
content_register(OrganisationLink, ["label"])
content_register(Person, ["name", "honorific", "description"])
content_register(Role, ["title", "note"])
content_register(AllianceMembership, ["role", "period_text", "note"])
content_register(Office, ["name", "address", "town", "description"])
content_register(Team, ["name", "description", "location", "formed_text"])
content_register(TeamMember, ["role", "position", "printed_as"])
content_register(ClashFigure, ["opponent_text", "subject", "period_text", "claimed_by_text", "printed_as"])
