"""Meetings, agreements, rejected invitations, statements and developments."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from orgs.models import Organisation, Person
from peacetracker.dates import Dated
from peacetracker.models import Content
from peacetracker.moderation import ModeratedQuerySet


class UnderOrganisationQuerySet(ModeratedQuerySet):
    def public(self):
        """Published rows of a public organisation."""
        # EXISTS rather than a join or IN: SQLite then reads a page in order off the model's status-first
        # index, where otherwise it read every published organisation's rows and sorted them all.
        organisation = Organisation.objects.public().filter(pk=models.OuterRef("organisation"))
        return self.published().filter(models.Exists(organisation))


class Meeting(Dated, Content):
    """A meeting in an organisation's record of talks, numbered as the source numbers it."""

    class Format(models.TextChoices):
        FORMAL = "formal", _("formal")
        INFORMAL = "informal", _("informal")
        DELEGATION = "delegation", _("delegation-level")
        CRISIS = "crisis", _("crisis resolution")
        UNSTATED = "unstated", _("not stated")

    class Outcome(models.TextChoices):
        AGREEMENT = "agreement", _("agreement signed")
        JOINT_STATEMENT = "joint_statement", _("joint statement")
        CONTINUE = "continue", _("agreed to keep talking")
        NO_AGREEMENT = "no_agreement", _("no agreement")
        NOT_STATED = "not_stated", _("not stated")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    location_text = models.CharField(_("location as published"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices, default=Format.UNSTATED)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.NOT_STATED
    )
    details = models.TextField(_("details"), blank=True)
    delegates_organisation = models.PositiveSmallIntegerField(
        _("delegates: organisation"), null=True, blank=True
    )
    delegates_government = models.PositiveSmallIntegerField(_("delegates: government"), null=True, blank=True)
    delegates_others = models.PositiveSmallIntegerField(_("delegates: others"), null=True, blank=True)
    delegates_total = models.PositiveSmallIntegerField(_("delegates: total"), null=True, blank=True)
    delegates_text = models.CharField(_("delegates as published"), max_length=200, blank=True)
    # The organisation's and government's participants as readers may see them, for the list, and every
    # participant as readers may see them ([side, name] pairs in side order), for the exports; kept
    # current by `negotiations.reading`, never edited.
    representatives_en = models.TextField(_("representatives (English)"), blank=True, editable=False)
    representatives_my = models.TextField(_("representatives (Burmese)"), blank=True, editable=False)
    participant_names_en = models.JSONField(
        _("participants as readers see them (English)"), default=list, blank=True, editable=False
    )
    participant_names_my = models.JSONField(
        _("participants as readers see them (Burmese)"), default=list, blank=True, editable=False
    )

    objects = UnderOrganisationQuerySet.as_manager()

    class Meta(Dated.Meta, Content.Meta):
        ordering = ["organisation", "number", "date"]
        constraints = [
            *Dated.Meta.constraints,
            models.UniqueConstraint(
                fields=["organisation", "number"], name="meeting_number_unique_per_organisation"
            ),
        ]
        indexes = [
            # The list's own order (date, number, then id, which SQLite keeps in every index): a page of
            # the unfiltered list is read straight off it, where it was sorting all 20,000 meetings. The
            # format, both languages' country and the organisation follow, so that a filtered page and
            # its count test those filters in the index and read from the table only the rows shown (a
            # country matches either language: with one language's column here, each row's other was
            # read from the table).
            models.Index(
                fields=["status", "date", "number", "format", "country_en", "country_my", "organisation"],
                name="meeting_public_in_order",
            ),
            # Covers the unfiltered count, which joins each published organisation to its meetings.
            models.Index(fields=["organisation", "status"], name="meeting_organisation_status"),
        ]

    def __str__(self):
        number = f"#{self.number} " if self.number else ""
        return f"{self.organisation.short_name} meeting {number}({self.display_date})"

    def get_absolute_url(self):
        return reverse("negotiations:meeting-detail", kwargs={"pk": self.pk})

    @property
    def location(self):
        return ", ".join(part for part in (self.place, self.region, self.country) if part)

    @property
    def representatives(self):
        """The stored representatives in the reader's language."""
        return getattr(self, build_localized_fieldname("representatives", get_language()), "")

    @property
    def format_label(self):
        """The format as readers read it; a value outside the choices as it is."""
        return self._label_of(self.Format, self.format)

    @property
    def outcome_label(self):
        """The outcome as readers read it; a value outside the choices as it is."""
        return self._label_of(self.Outcome, self.outcome)

    @staticmethod
    def _label_of(choices, value):
        try:
            return choices(value).label
        except ValueError:
            return value

    @property
    def participant_entries(self):
        """The participants as the source prints them, in the order they were read (see
        `MeetingParticipant.printed_entries`)."""
        return list(MeetingParticipant.printed_entries(self.participants.all()))


class ParticipantQuerySet(models.QuerySet):
    def in_side_order(self):
        """The organisation's side first, then the government, mediators, observers and others."""
        sides = [side for side, _label in MeetingParticipant.Side.choices]
        rank = models.Case(
            *(models.When(side=side, then=models.Value(i)) for i, side in enumerate(sides)),
            default=models.Value(len(sides)),
        )
        return self.alias(side_rank=rank).order_by("side_rank", "order", "pk")


class MeetingParticipant(models.Model):
    """Who sat at a meeting for which side: a person, a body, or the label as printed."""

    class Side(models.TextChoices):
        ORGANISATION = "organisation", _("organisation side")
        GOVERNMENT = "government", _("government side")
        MEDIATOR = "mediator", _("mediator")
        OBSERVER = "observer", _("observer")
        OTHER = "other", _("other participant")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_participations"
    )
    body = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_participations"
    )
    label = models.CharField(_("as published"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True, help_text=_('e.g. "Leader", "MP"'))
    headcount = models.PositiveSmallIntegerField(
        _("people"),
        null=True,
        blank=True,
        help_text=_(
            'How many people this entry stands for ("4 from UNFC"); 0 where the source says no one sat for '
            'this side ("NA").'
        ),
    )
    unnamed_others = models.PositiveSmallIntegerField(
        _("unnamed others"), null=True, blank=True, help_text=_('"+ (4)" in the source.')
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ParticipantQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "side", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(body__isnull=False) | ~models.Q(label=""),
                name="participant_names_someone",
                violation_error_message=_("Name a person, a body or the label as published."),
            )
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()

    @property
    def display_name(self):
        if self.label:
            return self.label
        if self.person_id:
            return str(self.person)
        return str(self.body)

    @property
    def public_name(self):
        """The name readers may see: the label as published, else a published person's or body's name."""
        return self.public_name_of(
            self.label,
            person=str(self.person) if self.person_id and self.person.is_published else "",
            body=str(self.body) if self.body_id and self.body.is_published else "",
            headcount=self.headcount,
        )

    @staticmethod
    def public_name_of(label, person="", body="", headcount=None):
        """The label as published, else the (published) person's, else the (published) body's name; an
        entry standing for no one (the source's "NA") says so, with what the source prints."""
        if headcount == 0:
            if label:
                return gettext("not applicable (as printed: {label})").format(label=label)
            return gettext("not applicable")
        return label or person or body

    @staticmethod
    def printed_entries(participants, key=lambda participant: (participant.side, participant.label)):
        """The participants as the source prints them: those of one side under the same label are one
        entry ("UPWC – MPC" stands for two bodies), given once, as its first participant. `key` gives a
        participant's side (or anything that sets its entries apart) and its label as shown."""
        seen = set()
        for participant in participants:
            side, label = key(participant)
            if label:
                if (side, label) in seen:
                    continue
                seen.add((side, label))
            yield participant


class AgreementQuerySet(ModeratedQuerySet):
    def public(self):
        """The agreements readers may see: published, from a meeting readers may see (published, of a
        published organisation) or from none, and naming a published party or none."""
        published = Content.Status.PUBLISHED
        parties = Agreement.parties.through.objects.filter(agreement=models.OuterRef("pk"))
        return (
            super()
            .published()
            .filter(
                models.Q(meeting__isnull=True)
                | models.Q(meeting__status=published, meeting__organisation__status=published),
                models.Exists(parties.filter(organisation__status=published)) | ~models.Exists(parties),
            )
        )

    def published(self):
        """`public()`: an agreement is not published to anyone under a hidden meeting or hidden parties."""
        return self.public()


class Agreement(Dated, Content):
    """A ceasefire, agreement or joint statement, with its numbered points."""

    class Kind(models.TextChoices):
        CEASEFIRE = "ceasefire", _("ceasefire")
        BILATERAL = "bilateral", _("bilateral agreement")
        JOINT_STATEMENT = "joint_statement", _("joint statement")
        PRELIMINARY = "preliminary", _("preliminary agreement")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parties = models.ManyToManyField(Organisation, related_name="agreements", verbose_name=_("parties"))
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements"
    )
    summary = models.TextField(_("summary"), blank=True)
    point_count = models.PositiveSmallIntegerField(
        _("points (as announced)"),
        null=True,
        blank=True,
        help_text=_("The number of points the source says it has, even if not all are listed."),
    )

    objects = AgreementQuerySet.as_manager()

    class Meta(Dated.Meta, Content.Meta):
        ordering = ["date", "pk"]
        # The agreements page: published agreements in date order.
        indexes = [models.Index(fields=["status", "date"], name="agreement_public_by_date")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("negotiations:agreement-detail", kwargs={"pk": self.pk})


class AgreementPoint(models.Model):
    """One point of an agreement, in the source's order."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_point_number_unique")
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:60]}"

    def get_absolute_url(self):
        return self.agreement.get_absolute_url()


class RejectedInvitation(Dated, Content):
    """An invitation to talks, or a demand, that one side turned down."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rejected_invitations"
    )
    invited_by = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_made"
    )
    invited_by_text = models.CharField(_("invited by as published"), max_length=200, blank=True)
    proposed_venue = models.CharField(_("proposed venue"), max_length=200, blank=True)
    reason = models.TextField(_("reason given"), blank=True)
    description = models.TextField(_("as published"))

    objects = UnderOrganisationQuerySet.as_manager()

    class Meta(Dated.Meta, Content.Meta):
        ordering = ["date", "pk"]
        # The invitations page: published invitations in date order.
        indexes = [models.Index(fields=["status", "date"], name="invitation_public_by_date")]

    def __str__(self):
        return f"{self.display_date}: {self.description[:60]}"

    def get_absolute_url(self):
        return self.organisation.get_absolute_url() + f"#invitation-{self.pk}"


class Statement(Dated, Content):
    """Something an organisation or its leader said in public."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("statement")
        JOINT_STATEMENT = "joint_statement", _("joint statement")
        SPEECH = "speech", _("speech")
        INTERVIEW = "interview", _("interview")
        LETTER = "letter", _("letter or reply")
        APPEAL = "appeal", _("appeal or demand")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="statements")
    speaker = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STATEMENT)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    quote = models.TextField(_("quotation"), blank=True)
    url = models.URLField(_("source link"), max_length=500, blank=True)

    objects = UnderOrganisationQuerySet.as_manager()

    class Meta(Dated.Meta, Content.Meta):
        ordering = ["-date", "pk"]
        # Walks the statements page newest first, and covers its count of published statements of
        # published organisations.
        indexes = [models.Index(fields=["status", "date", "organisation"], name="statement_public_by_date")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.organisation.get_absolute_url() + f"#statement-{self.pk}"

    @property
    def shows_quote(self):
        """Whether the quotation is shown apart: not when the summary already quotes it."""
        return bool(self.quote) and self.quote not in self.summary


class Development(Dated, Content):
    """A dated entry on an organisation's timeline."""

    class Kind(models.TextChoices):
        NEGOTIATION = "negotiation", _("negotiation position")
        PARTNERSHIP = "partnership", _("partnership")
        OBSERVERS = "observers", _("international observers")
        STATUS = "status", _("status change")
        ALLIANCE = "alliance", _("alliance")
        CONFLICT = "conflict", _("conflict")
        INSTITUTION = "institution", _("office or institution")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="developments")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)

    objects = UnderOrganisationQuerySet.as_manager()

    class Meta(Dated.Meta, Content.Meta):
        ordering = ["date", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.organisation.get_absolute_url() + f"#development-{self.pk}"
