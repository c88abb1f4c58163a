"""Organisations, the people who speak for them, and what is reported about their fighting."""

from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from peacetracker.cache import cache_generation_bump
from peacetracker.dates import PrecisionField, format_partial_date, format_period
from peacetracker.models import Content
from peacetracker.moderation import Moderated, ModeratedQuerySet

PUBLISHED = Moderated.Status.PUBLISHED


class OfOrganisationQuerySet(models.QuerySet):
    """Rows readers see only on a published organisation's page: aliases, links, offices, teams."""

    def public(self):
        return self.filter(organisation__status=PUBLISHED)


class RoleQuerySet(models.QuerySet):
    def public(self):
        """Roles readers may see: of a published person in a published organisation."""
        return self.filter(person__status=PUBLISHED, organisation__status=PUBLISHED)


class AllianceMembershipQuerySet(models.QuerySet):
    def public(self):
        """Memberships readers may see: of a published member in a published alliance."""
        return self.filter(member__status=PUBLISHED, alliance__status=PUBLISHED)


class TeamMemberQuerySet(models.QuerySet):
    def public(self):
        """Team members readers may see: a published person on a team of a published organisation."""
        return self.filter(person__status=PUBLISHED, team__organisation__status=PUBLISHED)


class ClashFigureQuerySet(ModeratedQuerySet):
    def public(self):
        """Figures readers may see: published, of a published organisation."""
        return self.published().filter(organisation__status=PUBLISHED)


class ClashEventQuerySet(models.QuerySet):
    def public(self):
        """Events have no moderation of their own: readers see those naming no unpublished organisation."""
        # Excluding the few unpublished organisations by subquery is twice as fast on 100,000 events as
        # joining every event to its organisations to test their status.
        hidden = Organisation.objects.exclude(status=PUBLISHED).values("pk")
        return self.exclude(actor1_organisation__in=hidden).exclude(actor2_organisation__in=hidden)


class Organisation(Content):
    """An armed organisation, government body, alliance, mediator or other group."""

    class Kind(models.TextChoices):
        ARMED = "armed", _("armed organisation")
        GOVERNMENT = "government", _("government body")
        ALLIANCE = "alliance", _("alliance")
        MEDIATOR = "mediator", _("mediator group")
        CIVIL_SOCIETY = "civil_society", _("civil-society group")
        OTHER = "other", _("other")

    class NcaStatus(models.TextChoices):
        SIGNATORY = "signatory", _("signed the NCA")
        NON_SIGNATORY = "non_signatory", _("has not signed the NCA")
        NOT_APPLICABLE = "not_applicable", _("not applicable")
        UNKNOWN = "unknown", _("not known")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ARMED)
    name = models.CharField(_("name"), max_length=200)
    armed_wing = models.CharField(_("armed wing"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    profile_title = models.CharField(
        _("profile title"),
        max_length=200,
        blank=True,
        help_text=_(
            'The heading of the published profile, e.g. "Kachin Independence Army (KIO/KIA) (2022 – 2023)".'
        ),
    )
    founded = models.DateField(_("founded"), null=True, blank=True)
    founded_precision = PrecisionField(_("founded: precision"))
    headquarters = models.CharField(_("headquarters"), max_length=200, blank=True)
    active_territories = models.CharField(_("active territories"), max_length=300, blank=True)
    strength_text = models.CharField(
        _("strength as published"),
        max_length=200,
        blank=True,
        help_text=_('e.g. "More than 12,000 (8 brigades)"'),
    )
    strength = models.PositiveIntegerField(_("strength (number)"), null=True, blank=True)
    brigades = models.PositiveSmallIntegerField(_("brigades"), null=True, blank=True)
    nca_status = models.CharField(
        _("NCA status"), max_length=16, choices=NcaStatus.choices, default=NcaStatus.UNKNOWN
    )
    nca_note = models.CharField(_("NCA status: note"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    contacts_note = models.TextField(
        _("contacts: note"),
        blank=True,
        help_text=_("Contact details the source gives but does not show in full."),
    )
    led_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("led by"),
        help_text=_("For an alliance or coalition: the organisation leading it."),
    )
    mediates_for = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="mediators",
        verbose_name=_("mediates for"),
        help_text=_("For a mediator group: the organisations whose talks it helps arrange."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strength__isnull=True) | models.Q(strength__gte=0),
                name="organisation_strength_not_negative",
            )
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("orgs:organisation-detail", kwargs={"slug": self.slug})

    @staticmethod
    def display_name(name, acronym):
        """How an organisation is named in full on pages and in data: "Name (ACRONYM)", or the name alone
        where there is no acronym or the acronym is the name ("UPWC", never "UPWC (UPWC)")."""
        shown = Organisation.acronym_after(name, acronym)
        return f"{name} ({shown})" if shown else name

    @staticmethod
    def acronym_after(name, acronym):
        """The acronym to write after the name: none where it would only repeat the name."""
        return acronym if acronym != name else ""

    @staticmethod
    def short_name_of(name, acronym):
        """How an organisation is named where space is short: its acronym, else its name."""
        return acronym or name

    @property
    def full_name(self):
        """The name and the acronym, in the reader's language: see `display_name`."""
        return self.display_name(self.name, self.acronym)

    @property
    def short_name(self):
        """The acronym, else the name in the reader's language."""
        return self.short_name_of(self.name, self.acronym)

    @property
    def shown_acronym(self):
        """The acronym to write after the name where the name is set apart (a link, another language)."""
        return self.acronym_after(self.name, self.acronym)

    @property
    def name_with_armed_wing(self):
        """The profile's full name: "Organisation / Armed wing (ACRONYM)"."""
        return self.display_name(
            " / ".join(part for part in (self.name, self.armed_wing) if part), self.acronym
        )

    @property
    def display_founded(self):
        return format_partial_date(self.founded, self.founded_precision)


class OrganisationAlias(models.Model):
    """Another name an organisation is known by, used to match names in imported data."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=200)

    objects = OfOrganisationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("organisation aliases")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="organisation_alias_unique")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.organisation.get_absolute_url()


class OrganisationLink(models.Model):
    """A further link for an organisation (a Facebook page, a second site)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("label"), max_length=100)
    url = models.URLField(_("link"), max_length=500)

    objects = OfOrganisationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]

    def __str__(self):
        return f"{self.label}: {self.url}"

    def get_absolute_url(self):
        return self.organisation.get_absolute_url()


class Person(Content):
    """Someone who leads, represents or negotiates for an organisation."""

    name = models.CharField(_("name"), max_length=200)
    honorific = models.CharField(
        _("rank or honorific"), max_length=50, blank=True, help_text=_("Gen., Lt. Gen., Col., U, Sara, Dr. …")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("people")

    def __str__(self):
        return self.display_name(self.honorific, self.name)

    @staticmethod
    def display_name(honorific, name):
        """How a person is named on pages and in data: "Maj. Gen. Gun Maw"."""
        return f"{honorific} {name}".strip()

    def get_absolute_url(self):
        return reverse("orgs:person-detail", kwargs={"slug": self.slug})


class PersonAlias(models.Model):
    """Another spelling or form of a person's name ("U Aung Min" for Aung Min)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("person aliases")
        constraints = [models.UniqueConstraint(fields=["person", "name"], name="person_alias_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.person.get_absolute_url()


class Role(models.Model):
    """A person's title in an organisation over a period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(_("title"), max_length=200)
    is_leadership = models.BooleanField(
        _("leadership"), default=False, help_text=_("Listed among the organisation's leaders.")
    )
    started = models.DateField(_("from"), null=True, blank=True)
    started_precision = PrecisionField(_("from: precision"))
    ended = models.DateField(_("to"), null=True, blank=True)
    ended_precision = PrecisionField(_("to: precision"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RoleQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended__isnull=True)
                | models.Q(started__isnull=True)
                | models.Q(ended__gte=models.F("started")),
                name="role_ends_after_it_starts",
                violation_error_message=_("A role cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.person}, {self.title}, {self.organisation.short_name}"

    def get_absolute_url(self):
        return self.person.get_absolute_url()

    @property
    def display_period(self):
        start = format_partial_date(self.started, self.started_precision)
        end = format_partial_date(self.ended, self.ended_precision)
        return format_period(start, end)


class AllianceMembership(models.Model):
    """An organisation's membership of an alliance or coalition over a period."""

    member = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    alliance = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="alliance_members",
        limit_choices_to={"kind": Organisation.Kind.ALLIANCE},
    )
    joined = models.DateField(_("joined"), null=True, blank=True)
    joined_precision = PrecisionField(_("joined: precision"))
    left = models.DateField(_("left"), null=True, blank=True)
    left_precision = PrecisionField(_("left: precision"))
    is_current = models.BooleanField(_("still a member"), default=False)
    role = models.CharField(
        _("role in the alliance"), max_length=100, blank=True, help_text=_('e.g. "leads"')
    )
    period_text = models.CharField(_("period as published"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = AllianceMembershipQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["joined", "alliance__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left__isnull=True)
                | models.Q(joined__isnull=True)
                | models.Q(left__gte=models.F("joined")),
                name="membership_left_after_joined",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["member", "alliance", "joined"], name="membership_unique_per_start"
            ),
        ]

    def __str__(self):
        return f"{self.member.short_name} in {self.alliance.short_name}"

    def get_absolute_url(self):
        return self.member.get_absolute_url()

    @property
    def display_period(self):
        start = format_partial_date(self.joined, self.joined_precision)
        end = format_partial_date(self.left, self.left_precision)
        if start and not (end or self.is_current):
            return start
        return format_period(start, end, current=self.is_current, fallback=self.period_text)


class Office(models.Model):
    """A liaison office or centre an organisation keeps."""

    class Kind(models.TextChoices):
        LIAISON = "liaison", _("liaison office")
        CENTRE = "centre", _("centre")
        TECHNICAL = "technical", _("technical office")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.LIAISON)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    opened = models.DateField(_("opened"), null=True, blank=True)
    opened_precision = PrecisionField(_("opened: precision"))
    description = models.TextField(_("description"), blank=True)

    objects = OfOrganisationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.organisation.get_absolute_url()

    @property
    def display_opened(self):
        return format_partial_date(self.opened, self.opened_precision)


class Team(models.Model):
    """A negotiation, technical or conflict-resolution team and where it sits."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    formed = models.DateField(_("formed"), null=True, blank=True)
    formed_precision = PrecisionField(_("formed: precision"))
    formed_text = models.CharField(_("formed: as published"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = OfOrganisationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.organisation.get_absolute_url()

    @property
    def display_formed(self):
        return format_partial_date(self.formed, self.formed_precision, fallback=self.formed_text)


class TeamMember(models.Model):
    """A person on a team, with the side they sit for."""

    class Side(models.TextChoices):
        ORGANISATION = "organisation", _("organisation member")
        CIVILIAN = "civilian", _("civilian")
        GOVERNMENT = "government", _("government representative")
        UNSTATED = "unstated", _("side not stated")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="team_memberships")
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    role = models.CharField(_("role"), max_length=100, blank=True, help_text=_('e.g. "Leader"'))
    position = models.CharField(_("position"), max_length=200, blank=True)
    printed_as = models.CharField(_("name as published"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TeamMemberQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        # The order the source prints the members in, whatever side they sit for.
        ordering = ["team", "order", "pk"]

    def __str__(self):
        return f"{self.person} ({self.team})"

    def get_absolute_url(self):
        return self.person.get_absolute_url()


class ClashFigure(Content):
    """A reported figure (clashes, deaths, displaced people, attacks) with who claims it.

    Figures are tallies from reports; they are never added to each other or to events.
    """

    class Kind(models.TextChoices):
        CLASHES = "clashes", _("clashes")
        DEATHS = "deaths", _("deaths")
        INJURIES = "injuries", _("injuries")
        DISPLACED = "displaced", _("displaced people")
        INFRASTRUCTURE = "infrastructure", _("attacks on infrastructure")

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        AT_LEAST = "at_least", _("at least")
        MORE_THAN = "more_than", _("more than")
        APPROXIMATE = "approximate", _("about")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="clash_figures")
    opponent = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clash_figures_as_opponent",
    )
    opponent_text = models.CharField(_("opponent as published"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CLASHES)
    subject = models.CharField(
        _("counted"), max_length=200, blank=True, help_text=_('Who or what was counted, e.g. "KIA soldiers".')
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    period_text = models.CharField(
        _("period as published"), max_length=100, blank=True, help_text=_('e.g. "since October, 2012"')
    )
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    count_high = models.PositiveIntegerField(
        _("count: upper bound"), null=True, blank=True, help_text=_("For a range such as 5,000–10,000.")
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)
    as_of_precision = PrecisionField(_("as of: precision"))
    claimed_by = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="claimed_figures"
    )
    claimed_by_text = models.CharField(_("claimed by as published"), max_length=200, blank=True)
    printed_as = models.TextField(_("as published"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Where the source prints the figure: a year's figures are listed in this order."),
    )

    objects = ClashFigureQuerySet.as_manager()

    class Meta:
        # By year, undated figures last, then in the order the source prints them.
        ordering = ["organisation", models.F("year").asc(nulls_last=True), "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count_high__isnull=True)
                | models.Q(count__isnull=False, count_high__gte=models.F("count")),
                name="clash_figure_range_ordered",
            ),
        ]

    def __str__(self):
        who = self.claimed_by_text or "unattributed"
        return f"{self.organisation.short_name}: {self.printed_as or self.kind} ({who})"

    def get_absolute_url(self):
        return self.organisation.get_absolute_url() + "#clashes"

    @property
    def is_partial(self):
        return self.as_of is not None

    @property
    def display_as_of(self):
        return format_partial_date(self.as_of, self.as_of_precision)


class ClashEvent(models.Model):
    """One event from an ACLED export, linked to organisations through their aliases."""

    event_id_cnty = models.CharField(_("event id"), max_length=40, unique=True)
    event_date = models.DateField(_("event date"), db_index=True)
    # Indexed first in `clash_event_year_actors`, which serves every lookup by year.
    year = models.PositiveSmallIntegerField(_("year"))
    time_precision = models.PositiveSmallIntegerField(_("time precision"), default=1)
    disorder_type = models.CharField(max_length=100, blank=True)
    event_type = models.CharField(max_length=100, blank=True)
    sub_event_type = models.CharField(max_length=100, blank=True)
    actor1 = models.CharField(max_length=300)
    assoc_actor_1 = models.CharField(max_length=500, blank=True)
    inter1 = models.CharField(max_length=100, blank=True)
    actor2 = models.CharField(max_length=300, blank=True)
    assoc_actor_2 = models.CharField(max_length=500, blank=True)
    inter2 = models.CharField(max_length=100, blank=True)
    interaction = models.CharField(max_length=100, blank=True)
    civilian_targeting = models.CharField(max_length=100, blank=True)
    iso = models.PositiveSmallIntegerField(null=True, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    admin1 = models.CharField(max_length=100, blank=True)
    admin2 = models.CharField(max_length=100, blank=True)
    admin3 = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    geo_precision = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.TextField(blank=True)
    source_scale = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    fatalities = models.PositiveIntegerField(default=0)
    tags = models.TextField(blank=True)
    timestamp = models.BigIntegerField(null=True, blank=True)
    actor1_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="events_as_actor1"
    )
    actor2_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="events_as_actor2"
    )
    import_hash = models.CharField(
        _("import fingerprint"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("A digest of the values last imported, so that unchanged rows are skipped."),
    )

    objects = ClashEventQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-event_date", "event_id_cnty"]
        indexes = [
            models.Index(fields=["actor1_organisation", "event_date"], name="clash_event_actor1_date"),
            models.Index(fields=["actor2_organisation", "event_date"], name="clash_event_actor2_date"),
            # The clashes page counts events per year (its event count too) and lists the latest,
            # both with and without an event type. The year and type indexes carry both organisations,
            # whose status decides whether readers see an event, so the counts never read the table.
            models.Index(
                fields=["year", "actor1_organisation", "actor2_organisation"], name="clash_event_year_actors"
            ),
            models.Index(
                fields=["event_type", "year", "actor1_organisation", "actor2_organisation"],
                name="clash_event_type_year_actors",
            ),
            models.Index(fields=["event_type", "event_date"], name="clash_event_type_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="clash_event_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="clash_event_longitude_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.event_id_cnty} {self.event_date} {self.location}"

    def save(self, *args, **kwargs):
        # An edit made outside an import no longer matches the imported values, so the next
        # import must compare the row afresh rather than skip it as unchanged.
        self.import_hash = ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "import_hash"}
        super().save(*args, **kwargs)
        self.pages_retire()

    def get_absolute_url(self):
        return reverse("orgs:clash-event-detail", kwargs={"event_id": self.event_id_cnty})

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        self.pages_retire()
        return deleted

    @staticmethod
    def pages_retire():
        """Start a new content generation, now and once the change commits: events are not editorial
        content, so no signal retires the cached pages and tallies that show them."""
        cache_generation_bump()
        transaction.on_commit(cache_generation_bump)
