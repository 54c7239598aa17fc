"""The demo world (BRIEF section 5): two client organisations from the seed article."""

from dataclasses import dataclass, field

from revans.accounts.models import Role

PASSWORD = "revans-demo"

A, S, F, P = Role.ADMIN, Role.SPONSOR, Role.FACILITATOR, Role.PARTICIPANT


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    roles: tuple[Role, ...]
    department: str = ""
    site: str = ""
    job_level: str = ""
    manager: str = ""  # the manager's email


@dataclass(frozen=True)
class DemoSet:
    name: str
    facilitators: tuple[str, ...]  # emails
    members: tuple[str, ...]  # emails
    # (days after the programme starts, mode, member facilitating or "") as the facilitator fades
    fading: tuple[tuple[int, str, str], ...] = ()
    extra_rule: str = ""  # a rule the set added to the programme's, making version 2
    meets_today: bool = False  # a meeting starting minutes after the demo loads, ready to run


@dataclass(frozen=True)
class DemoProgramme:
    name: str
    purpose: str
    started_days_ago: int  # negative: it starts in that many days
    months: int
    sets: tuple[DemoSet, ...] = ()
    facilitators: tuple[str, ...] = ()  # emails of those who form its sets
    tells_roi: bool = False  # costs, rates and benefit claims: the ROI story
    # The evidence beyond money: each closed climate round's mean score (1 to 7), in order;
    # promotions and awards (member, kind, days after the start, note); the baseline.
    climate: tuple[float, ...] = ()
    outcomes: tuple[tuple[str, str, int, str], ...] = ()
    baselines: tuple[tuple[str, int, int, str, str], ...] = ()


@dataclass(frozen=True)
class PoolPerson:
    """Someone in the pool with no account yet: invited when a set is formed with them."""

    name: str
    department: str
    site: str
    job_level: str
    manager: str = ""  # the manager's name, in the pool or among the people
    years: int = 0  # an imported extra attribute


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    slug: str
    time_zone: str
    people: tuple[DemoPerson, ...]
    programmes: tuple[DemoProgramme, ...] = field(default=())
    pool: tuple[PoolPerson, ...] = field(default=())
    email_domain: str = ""


# An external coach who works for both clients, as facilitators often do.
COACH = DemoPerson("Tom Okafor", "tom.okafor@coaching.example", (F,))


def nb(name: str, department: str, site: str, level: str, manager: str = "") -> DemoPerson:
    email = name.lower().replace(" ", ".") + "@northbridge.example"
    boss = manager.lower().replace(" ", ".") + "@northbridge.example" if manager else ""
    return DemoPerson(name, email, (P,), department, site, level, boss)


def ks(name: str, department: str, site: str, level: str, manager: str = "") -> DemoPerson:
    email = name.lower().replace(" ", ".") + "@kestrel.example"
    boss = manager.lower().replace(" ", ".") + "@kestrel.example" if manager else ""
    return DemoPerson(name, email, (P,), department, site, level, boss)


NORTHBRIDGE_PEOPLE = (
    DemoPerson("Priya Shah", "priya.shah@northbridge.example", (A,)),
    DemoPerson("Margaret Holloway", "margaret.holloway@northbridge.example", (S,)),
    COACH,
    DemoPerson("Elena Marsh", "elena.marsh@northbridge.example", (F,)),
    nb("James Porter", "Warehousing", "Doncaster", "Senior manager"),
    nb("Aisha Rahman", "Customer Service", "Leeds", "Manager"),
    nb("Connor Walsh", "Warehousing", "Doncaster", "Team leader", "James Porter"),
    nb("Mei Lin", "Finance", "Leeds", "Manager"),
    nb("Daniel Okoro", "Transport", "Felixstowe", "Senior manager"),
    nb("Sophie Turner", "Procurement", "Leeds", "Manager"),
    nb("Ravi Patel", "IT", "Leeds", "Manager"),
    nb("Hannah Brooks", "Transport", "Felixstowe", "Team leader", "Daniel Okoro"),
    nb("Marcus Bell", "Commercial", "Leeds", "Senior manager"),
    nb("Fatima Noor", "HR", "Leeds", "Manager"),
    nb("Gareth Evans", "Warehousing", "Daventry", "Manager", "James Porter"),
    nb("Chloe Martin", "Customer Service", "Daventry", "Team leader", "Aisha Rahman"),
    nb("Owen Hughes", "Transport", "Doncaster", "Manager", "Daniel Okoro"),
    nb("Lucy Carter", "Finance", "Leeds", "Team leader", "Mei Lin"),
    nb("Kofi Asante", "Commercial", "Felixstowe", "Manager", "Marcus Bell"),
)

KESTREL_PEOPLE = (
    DemoPerson("Sam Whitaker", "sam.whitaker@kestrel.example", (A,)),
    DemoPerson("Dana Reyes", "dana.reyes@kestrel.example", (S,)),
    COACH,
    ks("Niamh Byrne", "Engineering", "Dublin", "Engineering manager"),
    ks("Tomasz Nowak", "Engineering", "Kraków", "Team lead", "Niamh Byrne"),
    ks("Grace Kim", "Product", "Dublin", "Product manager"),
    ks("Liam Doyle", "Customer Success", "Dublin", "Manager"),
    ks("Zara Ahmed", "Sales", "London", "Sales manager"),
    ks("Ben Foster", "Finance", "London", "Manager"),
    ks("Isabel Costa", "Engineering", "Lisbon", "Team lead", "Niamh Byrne"),
    ks("Kwame Mensah", "Operations", "London", "Manager"),
    ks("Ruth Gallagher", "People", "Dublin", "Manager"),
    ks("Arjun Mehta", "Product", "London", "Senior product manager", "Grace Kim"),
)

# The next cohort: 40 managers not yet in any set, for the facilitator to form sets from.
_COHORT = (
    ("Amelia Clarke", "Warehousing", "Doncaster", "Senior manager", "", 14),
    ("Ben Ashworth", "Warehousing", "Doncaster", "Team leader", "Amelia Clarke", 3),
    ("Carla Mendes", "Warehousing", "Daventry", "Manager", "Amelia Clarke", 8),
    ("Dev Raman", "Warehousing", "Daventry", "Team leader", "Carla Mendes", 2),
    ("Eilidh Fraser", "Warehousing", "Doncaster", "Manager", "Amelia Clarke", 11),
    ("Femi Adeyemi", "Transport", "Felixstowe", "Senior manager", "", 17),
    ("Grace O'Brien", "Transport", "Felixstowe", "Manager", "Femi Adeyemi", 6),
    ("Harry Nolan", "Transport", "Doncaster", "Team leader", "Grace O'Brien", 1),
    ("Imran Qureshi", "Transport", "Daventry", "Manager", "Femi Adeyemi", 9),
    ("Jess Whitfield", "Transport", "Felixstowe", "Team leader", "Imran Qureshi", 4),
    ("Karim Haddad", "Finance", "Leeds", "Senior manager", "", 12),
    ("Laura Pike", "Finance", "Leeds", "Manager", "Karim Haddad", 7),
    ("Mohammed Ali", "Finance", "Leeds", "Team leader", "Laura Pike", 2),
    ("Nina Kowalski", "Finance", "Doncaster", "Manager", "Karim Haddad", 5),
    ("Oscar Reid", "IT", "Leeds", "Senior manager", "", 15),
    ("Parveen Kaur", "IT", "Leeds", "Manager", "Oscar Reid", 6),
    ("Quentin Hale", "IT", "Daventry", "Team leader", "Parveen Kaur", 3),
    ("Rosa Lindqvist", "IT", "Leeds", "Manager", "Oscar Reid", 10),
    ("Sean Gallagher", "Customer Service", "Leeds", "Senior manager", "", 13),
    ("Tara Singh", "Customer Service", "Daventry", "Manager", "Sean Gallagher", 5),
    ("Umar Farouk", "Customer Service", "Leeds", "Team leader", "Tara Singh", 1),
    ("Vicky Lam", "Customer Service", "Daventry", "Team leader", "Tara Singh", 2),
    ("Will Thornton", "Customer Service", "Leeds", "Manager", "Sean Gallagher", 8),
    ("Xenia Petrova", "Procurement", "Leeds", "Manager", "", 9),
    ("Yusuf Demir", "Procurement", "Felixstowe", "Team leader", "Xenia Petrova", 3),
    ("Zoe Marshall", "Procurement", "Leeds", "Team leader", "Xenia Petrova", 4),
    ("Aidan Murphy", "HR", "Leeds", "Manager", "", 7),
    ("Bella Osei", "HR", "Doncaster", "Team leader", "Aidan Murphy", 2),
    ("Callum Ross", "HR", "Daventry", "Team leader", "Aidan Murphy", 5),
    ("Deepa Iyer", "Commercial", "Leeds", "Senior manager", "", 16),
    ("Ethan Cole", "Commercial", "Felixstowe", "Manager", "Deepa Iyer", 6),
    ("Farah Aziz", "Commercial", "Leeds", "Manager", "Deepa Iyer", 4),
    ("George Byrne", "Commercial", "Doncaster", "Team leader", "Ethan Cole", 1),
    ("Hollie Price", "Warehousing", "Daventry", "Team leader", "Eilidh Fraser", 2),
    ("Isaac Boateng", "Transport", "Doncaster", "Manager", "Femi Adeyemi", 11),
    ("Jade Watson", "Finance", "Doncaster", "Team leader", "Nina Kowalski", 3),
    ("Kieran Doyle", "IT", "Daventry", "Team leader", "Rosa Lindqvist", 2),
    ("Leah Fischer", "Customer Service", "Daventry", "Manager", "Sean Gallagher", 7),
    ("Marek Zielinski", "Procurement", "Doncaster", "Manager", "Xenia Petrova", 10),
    ("Niamh Kelly", "Commercial", "Leeds", "Team leader", "Farah Aziz", 1),
)
NORTHBRIDGE_COHORT = tuple(PoolPerson(*row) for row in _COHORT)

ORGANISATIONS = (
    DemoOrganisation(
        name="Northbridge Logistics",
        slug="northbridge",
        time_zone="Europe/London",
        people=NORTHBRIDGE_PEOPLE,
        pool=NORTHBRIDGE_COHORT,
        email_domain="northbridge.example",
        programmes=(
            DemoProgramme(
                name="Leading Across Functions 2026",
                purpose=(
                    "Managers from every function work on real business problems together, "
                    "to break down silos and save cost. Sponsored by the Commercial Director."
                ),
                started_days_ago=180,
                months=10,
                facilitators=("tom.okafor@coaching.example",),
                tells_roi=True,
                climate=(4.3, 5.1),  # trust rising between the first and a later survey
                outcomes=(
                    ("aisha.rahman@northbridge.example", "promotion", 120, "Head of Planning"),
                    ("connor.walsh@northbridge.example", "promotion", 150, "Regional manager"),
                    ("mei.lin@northbridge.example", "award", 140, "Group innovation award"),
                ),
                baselines=(
                    ("promotion", 240, 18, "the last year", "managers at the same levels"),
                    ("award", 240, 3, "the last year", "managers at the same levels"),
                    ("left", 240, 26, "the last year", "managers at the same levels"),
                ),
                sets=(
                    DemoSet(
                        "Harbour",
                        ("tom.okafor@coaching.example",),
                        tuple(
                            f"{n}@northbridge.example"
                            for n in (
                                "james.porter",
                                "aisha.rahman",
                                "mei.lin",
                                "ravi.patel",
                                "fatima.noor",
                            )
                        ),
                        fading=(
                            (90, "co_facilitated", ""),
                            (150, "self_facilitating", "mei.lin@northbridge.example"),
                        ),
                        extra_rule="Phones away during the meeting, except in an emergency.",
                    ),
                    DemoSet(
                        "Summit",
                        ("tom.okafor@coaching.example",),
                        tuple(
                            f"{n}@northbridge.example"
                            for n in (
                                "daniel.okoro",
                                "sophie.turner",
                                "connor.walsh",
                                "chloe.martin",
                                "kofi.asante",
                            )
                        ),
                        fading=((120, "co_facilitated", ""),),
                        meets_today=True,
                    ),
                    DemoSet(
                        "Compass",
                        ("elena.marsh@northbridge.example",),
                        tuple(
                            f"{n}@northbridge.example"
                            for n in (
                                "marcus.bell",
                                "gareth.evans",
                                "hannah.brooks",
                                "owen.hughes",
                                "lucy.carter",
                            )
                        ),
                    ),
                ),
            ),
            DemoProgramme(
                name="Leading Across Functions 2027",
                purpose=(
                    "The second cohort: forty more managers, from every function and site. "
                    "Sets are to be formed before the launch day."
                ),
                started_days_ago=-14,
                months=10,
                facilitators=("elena.marsh@northbridge.example", "tom.okafor@coaching.example"),
            ),
        ),
    ),
    DemoOrganisation(
        name="Kestrel Technologies",
        slug="kestrel",
        time_zone="Europe/Dublin",
        people=KESTREL_PEOPLE,
        programmes=(
            DemoProgramme(
                name="Steadying the Ship",
                purpose=(
                    "After the redundancies, managers who stayed rebuild trust across teams "
                    "and take on the problems the restructure left behind."
                ),
                started_days_ago=150,
                months=8,
                climate=(4.6, 4.8),  # steadying after the redundancies
                baselines=(
                    ("left", 180, 31, "the year of the restructure", "managers who stayed"),
                ),
                sets=(
                    DemoSet(
                        "Lighthouse",
                        ("tom.okafor@coaching.example",),
                        tuple(
                            f"{n}@kestrel.example"
                            for n in (
                                "niamh.byrne",
                                "grace.kim",
                                "zara.ahmed",
                                "kwame.mensah",
                                "ruth.gallagher",
                            )
                        ),
                    ),
                    DemoSet(
                        "Keel",
                        ("tom.okafor@coaching.example",),
                        tuple(
                            f"{n}@kestrel.example"
                            for n in (
                                "tomasz.nowak",
                                "liam.doyle",
                                "ben.foster",
                                "isabel.costa",
                                "arjun.mehta",
                            )
                        ),
                    ),
                ),
            ),
        ),
    ),
)


# The action learning cycle in the demo: real-sounding problems, actions and reflections.
CHALLENGES = (
    ("Overtime at the depot has doubled since the new rota.", "Operations"),
    ("Customer complaints about late deliveries reach us a week late.", "Customer service"),
    ("Month-end close takes nine days; the board wants five.", "Finance"),
    ("Two teams keep duplicating the same supplier checks.", "Procurement"),
    ("New starters leave within six months.", "People"),
    ("Our systems do not talk to each other, so we re-key orders.", "IT"),
)
ACTIONS = (
    "Sit in on the night shift handover and note where time goes.",
    "Ask three customers how they would like to hear about delays.",
    "Map every step of the month-end close with the team.",
    "Meet my counterpart in the other team and compare checklists.",
    "Interview two people who left last quarter.",
    "List every order that is keyed in twice in one week.",
)
REPORT_BACKS = (
    ("done", "Done, and it showed the handover overlaps by 40 minutes.", "Asking beats assuming."),
    ("partly", "Managed two of the three conversations.", "I put off the hardest one."),
    ("done", "We found three steps nobody needed.", "The team knew all along."),
    ("not", "The week ran away with me.", "I need to block the time first."),
)
REFLECTIONS = (
    "What am I really trying to do? Less about the rota, more about trust between shifts.",
    "The question 'who else cares about this?' opened the problem up for me.",
    "I noticed I jump to solutions when someone else presents. Holding back is hard.",
)
PROCESS_NOTES = (
    "Good questioning; advice crept in during the second presentation.",
    "Energy was low; two members had not done their actions.",
    "The set ran the process review themselves for the first time.",
)


# The ROI story of Leading Across Functions 2026: what it cost, and what its members claim.
# (days after the start, kind, amount, note)
ROI_COSTS = (
    (10, "facilitation", "7200", "Tom Okafor, first half: three sets"),
    (100, "facilitation", "7200", "Tom Okafor, second half"),
    (5, "venue", "1800", "Meeting rooms and lunches at head office"),
    (5, "materials", "450", "Workbooks and flip charts"),
    (30, "administration", "2000", "L&D coordinator's time"),
)
ROI_RATES = (("Senior manager", "62"), ("Manager", "48"), ("Team leader", "36"), ("", "42"))


@dataclass(frozen=True)
class DemoClaim:
    member: str  # email
    category: str
    value: str | None  # a year's value; None: not known
    attribution: int
    confidence: int
    status: str  # claimed, verified, rejected
    description: str
    workings: str = ""
    shared: bool = True
    reason: str = ""  # why the sponsor rejected it


ROI_CLAIMS = (
    DemoClaim(
        "aisha.rahman@northbridge.example",
        "cost_saving",
        "24000",
        60,
        80,
        "verified",
        "Fewer credit notes since the delivery-slot rules changed",
        "Twelve fewer credit notes a month at about 200 each, from the last four months",
    ),
    DemoClaim(
        "mei.lin@northbridge.example",
        "cost_saving",
        "18000",
        50,
        70,
        "verified",
        "Supplier invoices now matched automatically",
        "Half an FTE of matching, loaded",
        shared=False,
    ),
    DemoClaim(
        "ravi.patel@northbridge.example",
        "time_saved",
        "15600",
        40,
        75,
        "verified",
        "Orders no longer keyed in twice",
        "Two hours a day at 30 an hour over 260 days",
    ),
    DemoClaim(
        "daniel.okoro@northbridge.example",
        "cost_saving",
        "32000",
        50,
        60,
        "verified",
        "Less empty running on the Felixstowe lane",
        "Fuel and driver hours on 40 fewer empty legs",
    ),
    DemoClaim(
        "sophie.turner@northbridge.example",
        "cost_saving",
        "12000",
        70,
        90,
        "verified",
        "Packaging bought from two suppliers instead of five",
        "The finance team's figure",
    ),
    DemoClaim(
        "marcus.bell@northbridge.example",
        "revenue",
        "900000",
        30,
        50,
        "verified",
        "A new key account won with the Transport team's help",
        "The account's expected first-year revenue",
    ),
    DemoClaim(
        "connor.walsh@northbridge.example",
        "quality",
        "8000",
        50,
        50,
        "rejected",
        "Fewer picking errors in aisle 4",
        "One week's error rate, extrapolated",
        reason="One week is too little to go on: send four weeks of the error log.",
    ),
    DemoClaim(
        "hannah.brooks@northbridge.example",
        "time_saved",
        "6000",
        60,
        70,
        "claimed",
        "Shorter handovers between the day and night shifts",
        "Ten minutes a shift",
    ),
    DemoClaim(
        "gareth.evans@northbridge.example",
        "retention",
        None,
        50,
        50,
        "verified",
        "Two team leaders who meant to leave have stayed",
    ),
)


# What members wrote in session evaluations under "what would make it better" (facilitators read
# these, unsigned; sponsors never do).
EVALUATION_TEXTS = (
    "",
    "",
    "More time for the second presenter.",
    "Start on time, please.",
    "Fewer closed questions in the clarifying phase.",
    "A shorter check-in.",
    "",
)
