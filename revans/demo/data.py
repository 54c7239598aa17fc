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


@dataclass(frozen=True)
class DemoProgramme:
    name: str
    purpose: str
    started_days_ago: int
    months: int
    sets: tuple[DemoSet, ...]


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    slug: str
    time_zone: str
    people: tuple[DemoPerson, ...]
    programmes: tuple[DemoProgramme, ...] = field(default=())


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

ORGANISATIONS = (
    DemoOrganisation(
        name="Northbridge Logistics",
        slug="northbridge",
        time_zone="Europe/London",
        people=NORTHBRIDGE_PEOPLE,
        programmes=(
            DemoProgramme(
                name="Leading Across Functions 2026",
                purpose=(
                    "Managers from every function work on real business problems together, "
                    "to break down silos and save cost. Sponsored by the Commercial Director."
                ),
                started_days_ago=180,
                months=10,
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
