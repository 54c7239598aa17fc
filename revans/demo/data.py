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


# The action learning cycle in the demo: real-sounding problems, each member's own, in their own
# words: a challenge, the steps they commit to meeting by meeting with what came of each, and
# their reflections. "{site}" is the member's site, so that no two people write the same line.
@dataclass(frozen=True)
class Story:
    statement: str
    area: str
    why: str
    outcome: str
    steps: tuple[tuple[str, str, str], ...]  # (action, what happened, what I learned)
    reflections: tuple[str, ...]


STORIES = (
    Story(
        "Overtime at the {site} depot has doubled since the new rota.",
        "Operations",
        "We pay for hours nobody planned, and the night shift is exhausted.",
        "Overtime back to last year's level by the spring.",
        (
            (
                "Sit in on the {site} night-shift handover and time it.",
                "The handover overlaps by 40 minutes.",
                "Watching beats asking for a report.",
            ),
            (
                "Ask the three shift leads at {site} what the rota broke.",
                "Two of them said the same thing: breaks now clash.",
                "The leads knew before I did.",
            ),
            (
                "Trial staggered breaks for a fortnight at {site}.",
                "Overtime fell by a fifth in the trial weeks.",
                "A small change, tried, convinced more than my slides.",
            ),
            (
                "Write up the {site} trial for the operations board.",
                "The board asked for it in two more depots.",
                "Numbers from the floor travel further than mine.",
            ),
            (
                "Hand the staggered-break rota to the {site} shift leads to own.",
                "They changed it twice, both times for the better.",
                "Letting go was the last step of the fix.",
            ),
        ),
        (
            "What am I really trying to fix at {site}? Less the rota, more the trust between shifts.",
            "I went in sure {site} had a staffing problem. The set's questions kept pointing at the handover.",
            "I noticed I defend the {site} rota because I designed it. That is worth knowing.",
        ),
    ),
    Story(
        "Complaints about late deliveries from {site} reach my team a week late.",
        "Customer service",
        "By the time we hear, the customer has already escalated to sales.",
        "Every complaint about {site} on my desk within a day.",
        (
            (
                "Ask three {site} customers how they would like to hear about delays.",
                "All three wanted a text, not an email.",
                "I had assumed they wanted a call.",
            ),
            (
                "Trace one complaint's route from the {site} driver to my inbox.",
                "It passed through four inboxes and a weekly report.",
                "Nobody owned the middle.",
            ),
            (
                "Agree a same-day alert with the {site} transport planner.",
                "Agreed for a month's trial; she added a field I had not thought of.",
                "Asking what she needed got me more than asking for what I needed.",
            ),
            (
                "Count the {site} complaints that arrive within a day, for four weeks.",
                "From one in ten to seven in ten.",
                "The measure itself changed behaviour.",
            ),
            (
                "Present the {site} alert to the other regional leads.",
                "Two regions will copy it; one wants proof first.",
                "Not everyone needs convincing the same way.",
            ),
        ),
        (
            "A member asked who benefits from the delay at {site}. Nobody, it turns out, which is why nobody fixed it.",
            "I came to the set for answers about {site} and left with better questions. Annoying, and useful.",
            "I talk too much when I present {site}'s problem. Next time I will stop after five minutes.",
        ),
    ),
    Story(
        "Month-end close at {site} takes nine days; the board wants five.",
        "Finance",
        "The board decides on numbers that are already three weeks old.",
        "A six-day close by the year end, on the way to five.",
        (
            (
                "Map every step of the {site} month-end close with the team.",
                "Sixty-one steps; fourteen wait for someone else.",
                "The waiting is the problem, not the work.",
            ),
            (
                "Drop the three {site} reconciliations nobody reads.",
                "Nobody noticed they were gone.",
                "We keep doing things because we always have.",
            ),
            (
                "Move the {site} accruals review two days earlier.",
                "Saved a day and a half in the first month.",
                "The team had wanted to for years.",
            ),
            (
                "Ask the auditors which {site} checks they rely on.",
                "Half the checks we feared dropping, they never look at.",
                "Ask the person you fear, not your fear of them.",
            ),
            (
                "Run the {site} close to a six-day plan.",
                "Closed in six and a half days.",
                "Close enough to believe five.",
            ),
        ),
        (
            "Why does a nine-day close at {site} feel normal? Because it always was.",
            "I was asked what {site} would do with four extra days. I had no answer, and that says a lot.",
            "I hold on to control in the {site} close. The set saw it before I did.",
        ),
    ),
    Story(
        "Two teams at {site} keep duplicating the same supplier checks.",
        "Procurement",
        "Suppliers fill in the same forms twice and think we are disorganised.",
        "One check per supplier, shared by both teams.",
        (
            (
                "Meet my counterpart at {site} and compare our checklists line by line.",
                "Eighty per cent overlap, and we each thought ours was unique.",
                "Assume overlap before difference.",
            ),
            (
                "List every supplier that both {site} teams checked this year.",
                "Forty-two suppliers, checked twice.",
                "The list made the case without me.",
            ),
            (
                "Draft one shared checklist with the {site} quality lead.",
                "Draft done; legal wants two questions kept.",
                "Legal's two questions were fair.",
            ),
            (
                "Pilot the shared checklist with five {site} suppliers.",
                "Four of five said it was quicker; one did not notice.",
                "Silence from a supplier is also an answer.",
            ),
            (
                "Agree who owns the shared {site} checklist from now on.",
                "My counterpart owns it; I review it twice a year.",
                "Giving it away made it stick.",
            ),
        ),
        (
            "I thought the other team at {site} was slow. They thought the same of us.",
            "The set would not let me blame the system at {site}. It made me name what I could do.",
            "I find it hard to ask a peer at {site} for help. Easier from a stranger.",
        ),
    ),
    Story(
        "New starters at {site} leave within six months.",
        "People",
        "We recruit the same roles twice a year and lose what we taught them.",
        "Two in three starters still here after a year.",
        (
            (
                "Interview two people who left {site} last quarter.",
                "Both said nobody checked on them after week two.",
                "The leaving started long before the notice.",
            ),
            (
                "Ask the {site} team leads what a starter's first month looks like.",
                "Four leads, four different answers.",
                "No plan is a plan too, just a bad one.",
            ),
            (
                "Give every {site} starter a named buddy for three months.",
                "Six buddies signed up in a week.",
                "People wanted to help; nobody had asked them.",
            ),
            (
                "Check in with each {site} starter at week six.",
                "Two were thinking of leaving; both are staying.",
                "The check-in is the cheapest retention tool we have.",
            ),
            (
                "Share the {site} starter figures with HR.",
                "HR will try it at two more sites.",
                "Data from one site can start something bigger.",
            ),
        ),
        (
            "What would make someone stay at {site}? I had never asked the ones who did.",
            "I came in blaming pay at {site}. The set's questions led me to the first fortnight instead.",
            "I notice I avoid hard conversations with {site} leavers. They were the most useful ones.",
        ),
    ),
    Story(
        "At {site} our systems do not talk to each other, so we re-key orders.",
        "IT",
        "Every re-keyed order is a chance to get it wrong, and some are.",
        "No order keyed in twice at {site}.",
        (
            (
                "List every order keyed in twice at {site} in one week.",
                "Three hundred and ten orders, about eleven hours of work.",
                "Counting turned a grumble into a case.",
            ),
            (
                "Sit with the {site} order clerks for a morning.",
                "They keep a private spreadsheet to bridge the systems.",
                "The workaround tells you the real requirement.",
            ),
            (
                "Ask IT what an export between the two {site} systems would take.",
                "Two weeks of work, already half built for another site.",
                "Someone had solved half of it already.",
            ),
            (
                "Test the export with the {site} clerks for a week.",
                "Errors fell to almost none; one field maps wrongly.",
                "The clerks found the bug in an hour.",
            ),
            (
                "Retire the {site} private spreadsheet with the clerks.",
                "They deleted it themselves, with some ceremony.",
                "An ending deserves a moment.",
            ),
        ),
        (
            "Why did I accept re-keying at {site} for so long? Because it was someone else's time.",
            "The set asked what I would measure at {site}. I had not thought to measure anything.",
            "I am better at starting things than finishing them. This one at {site} I finished.",
        ),
    ),
    Story(
        "Stock counts at {site} disagree with the system every month.",
        "Warehousing",
        "We write off stock we probably have, and reorder stock we do not need.",
        "Counts within one per cent of the system at {site}.",
        (
            (
                "Recount one aisle at {site} with the system open beside me.",
                "The differences all sat in returned goods.",
                "Start with one aisle, not the warehouse.",
            ),
            (
                "Follow a return through the {site} yard from van to shelf.",
                "Returns wait two days unbooked in a cage.",
                "The cage is where the numbers go missing.",
            ),
            (
                "Book returns at the {site} gate, not on the shelf.",
                "The monthly difference halved.",
                "Fix the moment, not the month.",
            ),
            (
                "Ask the {site} night team why returns pile up.",
                "No one on nights can book them: no login.",
                "Access, not attitude.",
            ),
            (
                "Get night-shift logins for the {site} returns cage.",
                "Done; the count matched within two per cent.",
                "Small permissions, large effects.",
            ),
        ),
        (
            "I blamed the counters at {site}. The process failed them first.",
            "The set kept asking what happens at {site} at night. I had never been there at night.",
            "I like certainty, and a {site} stock count gives me none. I am learning to live with that.",
        ),
    ),
    Story(
        "Quotes from {site} take a week; customers buy elsewhere in three days.",
        "Commercial",
        "We lose work we would win on price and quality.",
        "Every standard quote from {site} out within two days.",
        (
            (
                "Time the last ten quotes from {site}, step by step.",
                "Five days of the seven were waiting for a price check.",
                "The work is fast; the queue is slow.",
            ),
            (
                "Ask finance which {site} quotes really need a price check.",
                "Only those above a threshold nobody had written down.",
                "Write the rule down and half the queue goes.",
            ),
            (
                "Agree a written threshold for {site} price checks.",
                "Agreed; a third of quotes now skip the check.",
                "A rule everyone can read beats a rule one person knows.",
            ),
            (
                "Offer {site} customers a two-day quote promise.",
                "Two customers came back who had left last year.",
                "A promise is a sales tool too.",
            ),
            (
                "Review lost {site} quotes with the sales team monthly.",
                "We lost fewer on time, more on price: a better problem.",
                "Know which problem you have.",
            ),
        ),
        (
            "Who is the quote at {site} really waiting for? Nobody could say, so nobody chased it.",
            "I presented a {site} pricing problem. The set showed me a waiting problem.",
            "I rush to defend my {site} team. The set's questions were not attacks.",
        ),
    ),
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
