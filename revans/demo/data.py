"""The demo world (BRIEF section 5): two client organisations from the seed article."""

from dataclasses import dataclass

from revans.accounts.models import Role

PASSWORD = "revans-demo"

A, S, F, P = Role.ADMIN, Role.SPONSOR, Role.FACILITATOR, Role.PARTICIPANT


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    slug: str
    time_zone: str
    people: tuple[DemoPerson, ...]


# An external coach who works for both clients, as facilitators often do.
COACH = DemoPerson("Tom Okafor", "tom.okafor@coaching.example", (F,))

ORGANISATIONS = (
    DemoOrganisation(
        name="Northbridge Logistics",
        slug="northbridge",
        time_zone="Europe/London",
        people=(
            DemoPerson("Priya Shah", "priya.shah@northbridge.example", (A,)),
            DemoPerson("Margaret Holloway", "margaret.holloway@northbridge.example", (S,)),
            COACH,
            DemoPerson("Elena Marsh", "elena.marsh@northbridge.example", (F,)),
            DemoPerson("James Porter", "james.porter@northbridge.example", (P,)),
            DemoPerson("Aisha Rahman", "aisha.rahman@northbridge.example", (P,)),
            DemoPerson("Connor Walsh", "connor.walsh@northbridge.example", (P,)),
            DemoPerson("Mei Lin", "mei.lin@northbridge.example", (P,)),
            DemoPerson("Daniel Okoro", "daniel.okoro@northbridge.example", (P,)),
            DemoPerson("Sophie Turner", "sophie.turner@northbridge.example", (P,)),
            DemoPerson("Ravi Patel", "ravi.patel@northbridge.example", (P,)),
            DemoPerson("Hannah Brooks", "hannah.brooks@northbridge.example", (P,)),
            DemoPerson("Marcus Bell", "marcus.bell@northbridge.example", (P,)),
            DemoPerson("Fatima Noor", "fatima.noor@northbridge.example", (P,)),
            DemoPerson("Gareth Evans", "gareth.evans@northbridge.example", (P,)),
            DemoPerson("Chloe Martin", "chloe.martin@northbridge.example", (P,)),
            DemoPerson("Owen Hughes", "owen.hughes@northbridge.example", (P,)),
            DemoPerson("Lucy Carter", "lucy.carter@northbridge.example", (P,)),
        ),
    ),
    DemoOrganisation(
        name="Kestrel Technologies",
        slug="kestrel",
        time_zone="Europe/Dublin",
        people=(
            DemoPerson("Sam Whitaker", "sam.whitaker@kestrel.example", (A,)),
            DemoPerson("Dana Reyes", "dana.reyes@kestrel.example", (S,)),
            COACH,
            DemoPerson("Niamh Byrne", "niamh.byrne@kestrel.example", (P,)),
            DemoPerson("Tomasz Nowak", "tomasz.nowak@kestrel.example", (P,)),
            DemoPerson("Grace Kim", "grace.kim@kestrel.example", (P,)),
            DemoPerson("Liam Doyle", "liam.doyle@kestrel.example", (P,)),
            DemoPerson("Zara Ahmed", "zara.ahmed@kestrel.example", (P,)),
            DemoPerson("Ben Foster", "ben.foster@kestrel.example", (P,)),
            DemoPerson("Isabel Costa", "isabel.costa@kestrel.example", (P,)),
            DemoPerson("Kwame Mensah", "kwame.mensah@kestrel.example", (P,)),
            DemoPerson("Ruth Gallagher", "ruth.gallagher@kestrel.example", (P,)),
        ),
    ),
)
