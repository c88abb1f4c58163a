"""A large, obviously invented dataset for benchmarks and scale tests; it never touches the seed or fixtures/.

Every name says "Synthetic", so nothing generated here can be mistaken for, or mixed with, a fact of the
seed profile. Rows are bulk-created, so no history is written and no signal is sent; the page cache is
retired once at the end instead.
"""

import datetime
import random
import time
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone

from negotiations.models import (
    Agreement,
    AgreementPoint,
    Development,
    Meeting,
    MeetingParticipant,
    RejectedInvitation,
    Statement,
)
from orgs.models import (
    AllianceMembership,
    ClashEvent,
    ClashFigure,
    Office,
    Organisation,
    OrganisationAlias,
    OrganisationLink,
    Person,
    PersonAlias,
    Role,
    Team,
    TeamMember,
)
from peacetracker.cache import cache_generation_bump
from peacetracker.dates import DatePrecision
from peacetracker.models import Citation, Source
from search.services import search_index_rebuild

# The sizes at scale 1.0; smaller scales keep a floor so that every kind of row still exists.
SIZES = {
    "organisations": 200,
    "people": 5_000,
    "meetings": 20_000,
    "clash_events": 100_000,
    "statements": 20_000,
}
FLOORS = {"organisations": 6, "people": 40, "meetings": 30, "clash_events": 50, "statements": 20}

SEED = 20_240_601
BATCH = 2_000
FIRST_YEAR, LAST_YEAR = 1994, 2024

# (place, region, country, weight): China about a quarter of meetings, the peak in 2011-2015, as in
# the real record of talks; Burmese-script spellings sit beside the romanised ones.
PLACES = [
    ("Ruili", "Yunnan", "China", 16),
    ("Kunming", "Yunnan", "China", 7),
    ("Jinghong", "Yunnan", "China", 3),
    ("Myitkyina", "Kachin State", "Myanmar", 16),
    ("မြစ်ကြီးနား", "ကချင်ပြည်နယ်", "Myanmar", 6),
    ("Laiza", "Kachin State", "Myanmar", 10),
    ("လိုင်ဇာ", "ကချင်ပြည်နယ်", "Myanmar", 4),
    ("Naypyitaw", "Naypyitaw Union Territory", "Myanmar", 12),
    ("နေပြည်တော်", "", "Myanmar", 3),
    ("Yangon", "Yangon Region", "Myanmar", 10),
    ("Bhamo", "Kachin State", "Myanmar", 4),
    ("Chiang Mai", "Chiang Mai Province", "Thailand", 7),
    ("Mae Sot", "Tak Province", "Thailand", 3),
    ("Tokyo", "", "Japan", 1),
    ("Geneva", "", "Switzerland", 1),
]
YEAR_WEIGHTS = {year: 1 for year in range(FIRST_YEAR, 2011)} | {
    2011: 6, 2012: 9, 2013: 9, 2014: 7, 2015: 6, 2016: 5, 2017: 4, 2018: 4,
    2019: 3, 2020: 2, 2021: 2, 2022: 3, 2023: 3, 2024: 2,
}  # fmt: skip
EVENT_PLACES = [
    ("Kachin", "Myitkyina", "Myitkyina", "Myitkyina", 25.383, 97.396),
    ("Kachin", "Bhamo", "Momauk", "Laiza", 24.769, 97.553),
    ("Kachin", "Myitkyina", "Waingmaw", "Waingmaw", 25.353, 97.437),
    ("Kachin", "Bhamo", "Mansi", "Mansi", 24.083, 97.290),
    ("Shan-North", "Muse", "Muse", "Muse", 23.998, 97.904),
    ("Shan-North", "Lashio", "Lashio", "Lashio", 22.937, 97.749),
    ("Kachin", "Mohnyin", "Hpakant", "ဖားကန့်", 25.612, 96.308),
]
EVENT_TYPES = [
    ("Battles", "Armed clash", 70),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 15),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 5),
    ("Violence against civilians", "Attack", 6),
    ("Strategic developments", "Non-violent transfer of territory", 4),
]
HONORIFICS = ["Gen.", "Lt. Gen.", "Maj. Gen.", "Col.", "U", "Sara", "Dr.", ""]
LEAD_TITLES = ["Chairman", "Vice-chairman", "General Secretary", "Spokesperson"]
MONTHS = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PUBLISHED = Meeting.Status.PUBLISHED
HIDDEN_STATES = [Meeting.Status.DRAFT, Meeting.Status.IN_REVIEW, Meeting.Status.UNPUBLISHED]


def scaled_sizes(scale):
    """The issue's sizes times `scale`, never below the floor that keeps every kind of row present."""
    return {name: max(FLOORS[name], round(size * scale)) for name, size in SIZES.items()}


def synthetic_generate(scale=1.0, stdout=None, using="default", seed=SEED):
    """Bulk-create the synthetic dataset at `scale` in one transaction and return the row counts."""
    started = time.monotonic()
    with transaction.atomic(using=using):
        counts = _Generator(scale, using, seed, stdout).run()
        # Rows are bulk-created without signals: the search index is written from them.
        search_index_rebuild(using=using)
        # Bulk-created rows send no signals: store what the list reads from them.
        call_command("rebuild_reading_data", database=using, verbosity=0)
    cache_generation_bump()
    if stdout is not None:
        stdout.write(f"Generated in {time.monotonic() - started:.1f} s.\n")
    return counts


class _Generator:
    """One generation run: a seeded random source and the rows made so far."""

    def __init__(self, scale, using, seed, stdout):
        self.sizes = scaled_sizes(scale)
        self.using = using
        self.rng = random.Random(seed)
        self.stdout = stdout
        self.counts = {}

    def run(self):
        self.sources()
        self.organisations()
        self.people()
        self.meetings()
        self.participants()
        self.agreements()
        self.statements()
        self.developments_and_invitations()
        self.clash_figures()
        self.clash_events()
        self.citations()
        return self.counts

    # Helpers

    def create(self, model, rows):
        created = model.objects.using(self.using).bulk_create(rows, batch_size=BATCH)
        label = model._meta.verbose_name_plural
        self.counts[str(label)] = self.counts.get(str(label), 0) + len(created)
        return created

    def insert(self, model, rows):
        """Insert plain rows (attribute name → value) through one prepared statement: rows never read back.

        Ten times faster than bulk_create for the largest tables, whose model instances are not needed.
        """
        connection = connections[self.using]
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        now = timezone.now()
        defaults = {
            f.attname: now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
            for f in fields
        }
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 10 * BATCH):
                cursor.executemany(
                    sql,
                    [
                        tuple(row.get(name, default) for name, default in defaults.items())
                        for row in rows[start : start + 10 * BATCH]
                    ],
                )
        label = str(model._meta.verbose_name_plural)
        self.counts[label] = self.counts.get(label, 0) + len(rows)

    def report(self, *models):
        if self.stdout is None:
            return
        for model in models:
            label = str(model._meta.verbose_name_plural)
            self.stdout.write(f"{label}: {self.counts.get(label, 0):,}\n")

    def status(self, hidden_share=0.05):
        """Published mostly; a few drafts, items in review and unpublished ones, so filtering is exercised."""
        if self.rng.random() < hidden_share:
            return self.rng.choice(HIDDEN_STATES)
        return PUBLISHED

    def date(self, year=None):
        year = year or self.rng.choices(list(YEAR_WEIGHTS), weights=list(YEAR_WEIGHTS.values()))[0]
        return datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def partial_date(self):
        """A date with its precision and the text as a source would print it, dd/mm/yy."""
        day = self.date()
        roll = self.rng.random()
        if roll < 0.05:
            return datetime.date(day.year, 1, 1), None, DatePrecision.YEAR, str(day.year)
        if roll < 0.15:
            return day.replace(day=1), None, DatePrecision.MONTH, f"{MONTHS[day.month]} {day.year}"
        if roll < 0.35:
            end = day + datetime.timedelta(days=self.rng.randint(1, 2))
            if end.month == day.month:
                return day, end, DatePrecision.DAY, f"{day:%d}-{end:%d}/{day:%m/%y}"
        return day, None, DatePrecision.DAY, f"{day:%d/%m/%y}"

    def text(self, subject, words=24):
        vocabulary = [
            "ceasefire", "troop", "withdrawal", "monitoring", "political", "dialogue", "displaced",
            "resettlement", "liaison", "office", "delegation", "framework", "de-escalation", "road",
            "checkpoint", "release", "detainees", "federal", "union", "accord", "committee", "review",
        ]  # fmt: skip
        return f"{subject}: " + " ".join(self.rng.choices(vocabulary, k=words)) + "."

    # Rows

    def sources(self):
        self.source_rows = self.create(
            Source,
            [
                Source(
                    title=f"Synthetic Source {n}",
                    publisher="Synthetic Publisher",
                    url=f"https://example.org/synthetic/sources/{n}",
                    date=datetime.date(2020 + n % 4, 1, 1),
                    date_precision=DatePrecision.YEAR,
                    status=PUBLISHED if n != 10 else Source.Status.DRAFT,
                )
                for n in range(1, 11)
            ],
        )

    def organisations(self):
        """Government bodies, alliances and mediators every 25th, armed organisations between them."""
        Kind = Organisation.Kind
        rows, armed_rank = [], 0
        for n in range(1, self.sizes["organisations"] + 1):
            kind = {1: Kind.GOVERNMENT, 2: Kind.ALLIANCE, 3: Kind.MEDIATOR}.get(n % 25, Kind.ARMED)
            status = PUBLISHED
            if kind == Kind.ARMED:
                armed_rank += 1
                # A few whole organisations are unpublished: their published meetings must stay hidden.
                if armed_rank % 30 == 29:
                    status = Organisation.Status.DRAFT
                elif armed_rank % 30 == 28:
                    status = Organisation.Status.IN_REVIEW
            name = {
                Kind.GOVERNMENT: "Synthetic Government Body",
                Kind.ALLIANCE: "Synthetic Alliance",
                Kind.MEDIATOR: "Synthetic Mediator Group",
            }.get(kind, "Synthetic Organisation")
            founded = datetime.date(self.rng.randint(1950, 2010), 1, 1)
            rows.append(
                Organisation(
                    kind=kind,
                    name=f"{name} {n}",
                    armed_wing=f"Synthetic Army {n}" if kind == Kind.ARMED else "",
                    acronym=f"SYN{n}",
                    slug=f"synthetic-organisation-{n}",
                    founded=founded,
                    founded_precision=DatePrecision.YEAR,
                    headquarters=self.rng.choice(PLACES)[0],
                    strength_text=f"About {n * 100:,} (synthetic)",
                    strength=n * 100,
                    nca_status=self.rng.choice(Organisation.NcaStatus.values),
                    summary=self.text(f"Synthetic Organisation {n} is invented for benchmarks", 60),
                    website=f"https://example.org/synthetic/{n}",
                    status=status,
                )
            )
        self.orgs = self.create(Organisation, rows)
        self.government = [o for o in self.orgs if o.kind == Kind.GOVERNMENT]
        self.alliances = [o for o in self.orgs if o.kind == Kind.ALLIANCE]
        self.mediators = [o for o in self.orgs if o.kind == Kind.MEDIATOR]
        self.armed = [o for o in self.orgs if o.kind == Kind.ARMED]
        self.create(
            OrganisationAlias,
            [
                OrganisationAlias(organisation=org, name=name)
                for org in self.orgs
                for name in (org.acronym, f"{org.name} Army", f"{org.acronym}/{org.acronym}A")
            ],
        )
        self.create(
            OrganisationLink,
            [
                OrganisationLink(organisation=org, label="Page", url=f"{org.website}/page")
                for org in self.orgs
            ],
        )
        self.create(
            Office,
            [
                Office(organisation=org, name=f"{org.name} liaison office", town=self.rng.choice(PLACES)[0])
                for org in self.armed
            ],
        )
        memberships = []
        for rank, org in enumerate(self.armed):
            for alliance in self.alliances:
                if rank == 0 or self.rng.random() < 0.3:
                    joined = datetime.date(self.rng.randint(2000, 2015), 1, 1)
                    memberships.append(
                        AllianceMembership(
                            member=org,
                            alliance=alliance,
                            joined=joined,
                            joined_precision=DatePrecision.YEAR,
                            is_current=rank % 2 == 0,
                            left=None if rank % 2 == 0 else joined.replace(year=joined.year + 3),
                            left_precision=DatePrecision.YEAR,
                        )
                    )
        self.create(AllianceMembership, memberships)
        through = Organisation.mediates_for.through
        self.create(
            through,
            [
                through(from_organisation=mediator, to_organisation=org)
                for i, mediator in enumerate(self.mediators)
                for org in self.armed[i::7][:20]
            ],
        )
        self.report(Organisation, OrganisationAlias, AllianceMembership)

    def people(self):
        """People spread over the organisations; the first four of each lead it."""
        rows = [
            Person(
                name=f"Synthetic Person {n}",
                honorific=self.rng.choice(HONORIFICS),
                slug=f"synthetic-person-{n}",
                description=f"Invented for benchmarks (person {n}).",
                status=PUBLISHED if n <= len(self.orgs) * 4 else self.status(0.03),
            )
            for n in range(1, self.sizes["people"] + 1)
        ]
        people = self.create(Person, rows)
        self.create(
            PersonAlias,
            [PersonAlias(person=p, name=f"Synth. {p.name.split()[-1]}") for p in people[::10]],
        )
        self.pool = {org.pk: [] for org in self.orgs}
        roles = []
        for i, person in enumerate(people):
            org = self.orgs[i % len(self.orgs)]
            position = len(self.pool[org.pk])
            self.pool[org.pk].append(person)
            started = self.date()
            ended = started.replace(year=min(started.year + 4, LAST_YEAR)) if position % 5 == 4 else None
            roles.append(
                Role(
                    person=person,
                    organisation=org,
                    title=LEAD_TITLES[position] if position < 4 else "Central Committee member",
                    is_leadership=position < 4,
                    started=started,
                    ended=ended,
                    order=position,
                )
            )
        self.create(Role, roles)
        teams = self.create(
            Team,
            [
                Team(organisation=org, name=f"{org.name} Negotiation Team", acronym="SNT")
                for org in self.armed
            ],
        )
        government_pool = self.pool[self.government[0].pk]
        members = []
        for team in teams:
            for order, person in enumerate(self.pool[team.organisation_id][:3]):
                members.append(
                    TeamMember(
                        team=team,
                        person=person,
                        side=TeamMember.Side.ORGANISATION,
                        role="Leader" if order == 0 else "",
                        order=order,
                    )
                )
            members.append(
                TeamMember(
                    team=team,
                    person=self.rng.choice(government_pool),
                    side=TeamMember.Side.GOVERNMENT,
                    order=3,
                )
            )
        self.create(TeamMember, members)
        self.report(Person, Role, TeamMember)

    def armed_shares(self, total):
        """Split `total` over the armed organisations, the first ones biggest (weight rank ** -0.3)."""
        weights = [(rank + 1) ** -0.3 for rank in range(len(self.armed))]
        exact = [total * w / sum(weights) for w in weights]
        shares = [max(1, int(x)) for x in exact]
        # Largest remainders first, so the split adds up to `total` without piling onto one organisation.
        by_remainder = sorted(range(len(shares)), key=lambda i: int(exact[i]) - exact[i])
        for i in by_remainder[: max(0, total - sum(shares))]:
            shares[i] += 1
        return list(zip(self.armed, shares, strict=True))

    def meetings(self):
        Format, Outcome = Meeting.Format, Meeting.Outcome
        formats = [Format.FORMAL] * 35 + [Format.INFORMAL] * 25 + [Format.DELEGATION] * 20
        formats += [Format.CRISIS] * 10 + [Format.UNSTATED] * 10
        outcomes = [Outcome.AGREEMENT] * 8 + [Outcome.JOINT_STATEMENT] * 7 + [Outcome.CONTINUE] * 45
        outcomes += [Outcome.NO_AGREEMENT] * 20 + [Outcome.NOT_STATED] * 20
        place_weights = [p[3] for p in PLACES]
        rows = []
        for org, count in self.armed_shares(self.sizes["meetings"]):
            dated = sorted((self.partial_date() for _ in range(count)), key=lambda d: d[0])
            for number, (start, end, precision, printed) in enumerate(dated, start=1):
                place, region, country, _weight = self.rng.choices(PLACES, weights=place_weights)[0]
                ours, theirs = self.rng.randint(3, 60), self.rng.randint(3, 40)
                rows.append(
                    Meeting(
                        organisation=org,
                        number=number,
                        date=start,
                        end_date=end,
                        date_precision=precision,
                        date_text=printed,
                        place=place,
                        region=region,
                        country=country,
                        location_text=f"{place}, {country}" if number % 3 == 0 else "",
                        format=self.rng.choice(formats),
                        # The first meeting of each organisation always ends in an agreement.
                        outcome=Outcome.AGREEMENT if number == 1 else self.rng.choice(outcomes),
                        details=self.text(f"Synthetic meeting {number} of {org.name}", 40),
                        delegates_organisation=ours,
                        delegates_government=theirs,
                        delegates_total=ours + theirs,
                        delegates_text=f"{theirs} from govt / {ours} from {org.acronym} / {ours + theirs}",
                        status=PUBLISHED if number == 1 else self.status(),
                    )
                )
        self.meeting_rows = self.create(Meeting, rows)
        self.report(Meeting)

    def participants(self):
        """2-6 per meeting: a person for the organisation, the government, then people, bodies and labels."""
        Side = MeetingParticipant.Side
        government = self.government[0]
        government_pool = [p.pk for p in self.pool[government.pk]]
        pools = {org_id: [p.pk for p in people] or government_pool for org_id, people in self.pool.items()}
        observers = self.alliances + self.mediators
        rows = []
        for meeting in self.meeting_rows:
            pool = pools[meeting.organisation_id]
            rows.append(
                {
                    "meeting_id": meeting.pk,
                    "side": Side.ORGANISATION,
                    "person_id": self.rng.choice(pool[:8]),
                    "role": "Leader",
                }
            )
            if meeting.number % 2:
                rows.append({"meeting_id": meeting.pk, "side": Side.GOVERNMENT, "body_id": government.pk})
            else:
                person = self.rng.choice(government_pool)
                rows.append({"meeting_id": meeting.pk, "side": Side.GOVERNMENT, "person_id": person})
            for order in range(1, self.rng.randint(2, 6) - 1):
                row = {"meeting_id": meeting.pk, "order": order}
                roll = self.rng.random()
                if roll < 0.4:
                    row.update(side=Side.ORGANISATION, person_id=self.rng.choice(pool))
                elif roll < 0.65:
                    row.update(side=Side.GOVERNMENT, person_id=self.rng.choice(government_pool))
                elif roll < 0.85:
                    headcount = self.rng.randint(2, 12)
                    row.update(
                        side=Side.ORGANISATION,
                        label=f"Synthetic delegation of {headcount}",
                        headcount=headcount,
                        unnamed_others=headcount - 1,
                    )
                else:
                    body = self.rng.choice(observers)
                    row.update(
                        side=Side.OBSERVER, body_id=body.pk, label=f"3 from {body.acronym}", headcount=3
                    )
                rows.append(row)
        self.insert(MeetingParticipant, rows)
        self.report(MeetingParticipant)

    def agreements(self):
        Kind = Agreement.Kind
        government = self.government[0]
        made = [m for m in self.meeting_rows if m.outcome in ("agreement", "joint_statement")]
        rows = []
        for meeting in made:
            points = self.rng.randint(2, 7)
            kind = Kind.JOINT_STATEMENT if meeting.outcome == "joint_statement" else Kind.BILATERAL
            rows.append(
                Agreement(
                    title=f"Synthetic {points}-point {kind.label} of meeting {meeting.number}",
                    kind=kind,
                    meeting=meeting,
                    date=meeting.date,
                    end_date=meeting.end_date,
                    date_precision=meeting.date_precision,
                    date_text=meeting.date_text,
                    summary=self.text("Synthetic agreement", 20),
                    point_count=points,
                    status=PUBLISHED if meeting.number == 1 else self.status(),
                )
            )
        agreements = self.create(Agreement, rows)
        self.insert(
            AgreementPoint,
            [
                {"agreement_id": agreement.pk, "number": n, "text": self.text(f"Point {n}", 12)}
                for agreement in agreements
                for n in range(1, agreement.point_count + 1)
            ],
        )
        through = Agreement.parties.through
        self.create(
            through,
            [
                through(agreement=agreement, organisation_id=org_id)
                for agreement, meeting in zip(agreements, made, strict=True)
                for org_id in (meeting.organisation_id, government.pk)
            ],
        )
        self.agreement_rows = agreements
        self.report(Agreement, AgreementPoint)

    def statements(self):
        Kind = Statement.Kind
        rows = []
        for org, count in self.armed_shares(self.sizes["statements"]):
            for n in range(count):
                start, end, precision, printed = self.partial_date()
                rows.append(
                    Statement(
                        organisation=org,
                        speaker=self.rng.choice(self.pool[org.pk][:4]) if n % 5 else None,
                        kind=self.rng.choice(Kind.values),
                        title=f"Synthetic statement {n + 1} by {org.acronym}",
                        summary=self.text("Synthetic statement", 30),
                        url=f"https://example.org/synthetic/statements/{org.pk}/{n + 1}",
                        date=start,
                        end_date=end,
                        date_precision=precision,
                        date_text=printed,
                        status=PUBLISHED if n == 0 else self.status(),
                    )
                )
        self.statement_rows = self.create(Statement, rows)
        self.report(Statement)

    def developments_and_invitations(self):
        government = self.government[0]
        developments, invitations = [], []
        for org in self.armed:
            for n in range(10):
                developments.append(
                    Development(
                        organisation=org,
                        kind=self.rng.choice(Development.Kind.values),
                        title=f"Synthetic development {n + 1} of {org.acronym}",
                        text=self.text("Synthetic development", 20),
                        date=self.date(),
                        status=PUBLISHED if n == 0 else self.status(),
                    )
                )
            for n in range(2):
                invitations.append(
                    RejectedInvitation(
                        organisation=org,
                        invited_by=government,
                        proposed_venue=self.rng.choice(PLACES)[0],
                        reason=self.text("Synthetic reason", 10),
                        description=f"Synthetic invitation {n + 1} to {org.acronym}, turned down.",
                        date=self.date(),
                        status=PUBLISHED if n == 0 else self.status(),
                    )
                )
        self.create(Development, developments)
        self.create(RejectedInvitation, invitations)
        self.report(Development, RejectedInvitation)

    def clash_figures(self):
        """Per armed organisation: a year disputed between two claimants and a partial-year tally."""
        government = self.government[0]
        rows = []
        for org in self.armed:
            year = self.rng.randint(2011, 2022)
            for claimant, count in (
                (org, self.rng.randint(500, 2500)),
                (government, self.rng.randint(100, 900)),
            ):
                rows.append(
                    ClashFigure(
                        organisation=org,
                        opponent=government,
                        kind=ClashFigure.Kind.CLASHES,
                        year=year,
                        count=count,
                        claimed_by=claimant,
                        claimed_by_text=claimant.acronym,
                        printed_as=f"{count:,} clashes in {year} according to {claimant.acronym} (synthetic)",
                        status=PUBLISHED,
                    )
                )
            count = self.rng.randint(5, 60)
            rows.append(
                ClashFigure(
                    organisation=org,
                    opponent=government,
                    kind=ClashFigure.Kind.CLASHES,
                    year=2023,
                    count=count,
                    as_of=datetime.date(2023, 3, 1),
                    as_of_precision=DatePrecision.MONTH,
                    printed_as=f"{count} clashes in 2023 (as of March) (synthetic)",
                    status=self.status(),
                )
            )
        self.create(ClashFigure, rows)
        self.report(ClashFigure)

    def clash_events(self):
        """Events in ACLED's column set, actors named as the organisations' aliases are."""
        government = self.government[0]
        kinds = [(t, s) for t, s, _w in EVENT_TYPES]
        weights = [w for _t, _s, w in EVENT_TYPES]
        armed = [org for org, _count in self.armed_shares(len(self.armed))]
        first_day = datetime.date(2015, 1, 1)
        rows = []
        for n in range(1, self.sizes["clash_events"] + 1):
            org = armed[min(int(self.rng.expovariate(0.1)), len(armed) - 1)]
            event_type, sub_event_type = self.rng.choices(kinds, weights=weights)[0]
            admin1, admin2, admin3, location, lat, lon = self.rng.choice(EVENT_PLACES)
            day = first_day + datetime.timedelta(days=self.rng.randint(0, 3652))
            civilians = event_type == "Violence against civilians"
            rows.append(
                {
                    "event_id_cnty": f"SYN{n:06d}",
                    "event_date": day,
                    "year": day.year,
                    "time_precision": self.rng.choice((1, 1, 1, 2, 3)),
                    "disorder_type": "Political violence",
                    "event_type": event_type,
                    "sub_event_type": sub_event_type,
                    "actor1": f"{org.name} Army" if n % 2 else org.acronym,
                    "inter1": "Rebel group",
                    "actor2": "Civilians (Myanmar)" if civilians else government.name,
                    "inter2": "Civilians" if civilians else "State forces",
                    "interaction": "Rebel group-Civilians" if civilians else "State forces-Rebel group",
                    "civilian_targeting": "Civilian targeting" if civilians else "",
                    "iso": 104,
                    "region": "Southeast Asia",
                    "country": "Myanmar",
                    "admin1": admin1,
                    "admin2": admin2,
                    "admin3": admin3,
                    "location": location,
                    "latitude": Decimal(f"{lat + self.rng.uniform(-0.05, 0.05):.6f}"),
                    "longitude": Decimal(f"{lon + self.rng.uniform(-0.05, 0.05):.6f}"),
                    "geo_precision": self.rng.choice((1, 2, 3)),
                    "source": "Synthetic Source",
                    "source_scale": "National",
                    "notes": f"Synthetic event {n}: {org.acronym} and {government.acronym} near {location}.",
                    "fatalities": self.rng.choice((0, 0, 0, 1, 2, 3, 5, 8)),
                    "timestamp": int(datetime.datetime(day.year, day.month, day.day).timestamp()),
                    "actor1_organisation_id": org.pk,
                    "actor2_organisation_id": None if civilians else government.pk,
                }
            )
        self.insert(ClashEvent, rows)
        self.report(ClashEvent)

    def citations(self):
        """A quarter of meetings, agreements and statements cite a source; every organisation does."""
        rows = []
        content_types = ContentType.objects.db_manager(self.using)
        for model, objects, share in (
            (Organisation, self.orgs, 1.0),
            (Meeting, self.meeting_rows, 0.25),
            (Agreement, self.agreement_rows, 0.25),
            (Statement, self.statement_rows, 0.1),
        ):
            content_type = content_types.get_for_model(model)
            for obj in objects:
                if share == 1.0 or getattr(obj, "number", None) == 1 or self.rng.random() < share:
                    rows.append(
                        {
                            "source_id": self.rng.choice(self.source_rows).pk,
                            "content_type_id": content_type.pk,
                            "object_id": obj.pk,
                            "locator": f"synthetic note {self.rng.randint(1, 99)}",
                        }
                    )
        self.insert(Citation, rows)
        self.report(Citation)
