"""The demo's invented children and families in the Ålidhem team, and the story each case tells.

Data only: `demo.seed` starts the cases through the portal's services and takes each through its
story (`_tell`); `demo.meetings` takes the stories that meet the team on from "ready". Every
identity number is from Skatteverket's test series, every phone number from PTS's series for
fiction.
"""

from dataclasses import dataclass
from datetime import date

from cases.identity import luhn_ok, parse_national_id
from cases.models import ProtectionLevel, Relation


def demo_personnummer(birth: str, serial: int) -> str:
    """The 12-digit personnummer born `birth` (YYYYMMDD) with birth serial `serial` and its check digit.

    Demo children and guardians take serials 980-999 only: Skatteverket's test series, which is
    never given to a real person.
    """
    if not 980 <= serial <= 999:
        raise ValueError("Demo identity numbers use Skatteverket's test series (birth serial 980-999).")
    body = f"{birth[2:]}{serial:03d}"
    check = next(digit for digit in "0123456789" if luhn_ok(body + digit))
    return f"{birth}{serial:03d}{check}"


@dataclass(frozen=True)
class DemoGuardian:
    first_name: str
    last_name: str
    relation: str
    birth: str  # YYYYMMDD
    serial: int  # 980-999
    phone: str = ""  # PTS's numbers for fiction, 070-174 06 05 to 29 (the professionals have 30 to 99)
    protection: str = ProtectionLevel.NONE

    def fields(self, today: date) -> dict:
        """What `adult_add` registers; a guardian without a phone number is one nobody can reach."""
        contact = {
            "phone": self.phone,
            "email": f"{self.first_name}.{self.last_name}@example.org".lower().translate(_ASCII),
            "city": "Umeå",
        }
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "identity_number": parse_national_id(demo_personnummer(self.birth, self.serial), today=today).number,
            "relation": self.relation,
            "is_guardian": True,
            "protection": self.protection,
            **(contact if self.phone else {}),
        }


@dataclass(frozen=True)
class DemoCase:
    """One invented child and what has happened in their case so far (`story`, see `_tell`)."""

    story: str
    first_name: str
    last_name: str
    birth: str  # YYYYMMDD; the oldest demo child turns 18 in 2031
    serial: int  # 980-999
    initiator: str  # e-mail of an Ålidhem team member
    started_days_ago: int
    preschool: bool
    reasons: tuple[str, ...]  # of "health", "learning", "safety"
    reason_description: str
    family_view: str
    child_view: str
    guardians: tuple[DemoGuardian, ...]
    protection: str = ProtectionLevel.NONE

    @property
    def number(self) -> str:
        return demo_personnummer(self.birth, self.serial)


_ASCII = str.maketrans("åäöé", "aaoe")
MEMBER = "medlem@hlt.example"
COORDINATOR = "sammankallande@hlt.example"

DEMO_CASES = [
    DemoCase(
        story="awaiting_consent",
        first_name="Wilma",
        last_name="Forsberg",
        birth="20170314",
        serial=981,
        initiator=MEMBER,
        started_days_ago=6,
        preschool=False,
        reasons=("health", "learning"),
        reason_description="Svårt att koncentrera sig i klassrummet och ökande frånvaro sedan höstlovet.",
        family_view="Föräldrarna vill ha hjälp med rutiner kring sömn och skolstart.",
        child_view="Wilma tycker att det är för mycket ljud i klassrummet.",
        guardians=(
            DemoGuardian("Jenny", "Forsberg", Relation.MOTHER, "19870602", 982, "070-1740605"),
            DemoGuardian("Mikael", "Forsberg", Relation.FATHER, "19850919", 983, "070-1740606"),
        ),
    ),
    DemoCase(
        story="ready",
        first_name="Elias",
        last_name="Holm",
        birth="20220508",
        serial=984,
        initiator="alidhem.4@hlt.example",
        started_days_ago=20,
        preschool=True,
        reasons=("health", "learning"),
        reason_description="Sen språkutveckling enligt BVC; förskolan ser att han ofta drar sig undan.",
        family_view="Föräldrarna oroar sig för språket och för att Elias sover dåligt.",
        child_view="",
        guardians=(
            DemoGuardian("Linda", "Holm", Relation.MOTHER, "19900125", 985, "070-1740607"),
            DemoGuardian("Fredrik", "Holm", Relation.FATHER, "19891107", 986, "070-1740608"),
        ),
    ),
    DemoCase(
        story="withdrawn",
        first_name="Maja",
        last_name="Ek",
        birth="20140921",
        serial=987,
        initiator=MEMBER,
        started_days_ago=25,
        preschool=False,
        reasons=("learning", "safety"),
        reason_description="Konflikter med klasskamrater och oro hemma som påverkar skolarbetet.",
        family_view="Mamman vill ha stöd i kontakten mellan hem och skola.",
        child_view="Maja vill inte byta klass men vill ha någon att prata med.",
        guardians=(
            DemoGuardian("Therese", "Ek", Relation.MOTHER, "19820414", 988, "070-1740609"),
            DemoGuardian("Daniel", "Ek", Relation.FATHER, "19800730", 989, "070-1740610"),
        ),
    ),
    DemoCase(
        story="exception",
        first_name="Noah",
        last_name="Lindberg",
        birth="20190130",
        serial=990,
        initiator="alidhem.3@hlt.example",
        started_days_ago=15,
        preschool=False,
        reasons=("learning", "safety"),
        reason_description="Stora svårigheter med övergångar i skolan; mamman ensam med tre barn.",
        family_view="Mamman önskar avlastning och stöd i föräldraskapet.",
        child_view="Noah tycker om rasterna men inte lektionerna efter lunch.",
        guardians=(
            DemoGuardian("Emma", "Lindberg", Relation.MOTHER, "19920311", 991, "070-1740611"),
            DemoGuardian("Robin", "Lindberg", Relation.FATHER, "19880822", 992),
        ),
    ),
    DemoCase(
        story="protected",
        first_name="Ida",
        last_name="Sundberg",
        birth="20160602",
        serial=993,
        initiator=COORDINATOR,
        started_days_ago=10,
        preschool=False,
        reasons=("health", "safety"),
        reason_description="Återkommande magont och trötthet; familjen har nyligen flyttat till området.",
        family_view="Mamman vill att skolan och hälsocentralen hjälps åt.",
        child_view="Ida vill få vara med på idrotten igen.",
        guardians=(
            DemoGuardian(
                "Malin",
                "Sundberg",
                Relation.MOTHER,
                "19860217",
                994,
                "070-1740612",
                ProtectionLevel.CONFIDENTIALITY_MARKING,
            ),
        ),
        protection=ProtectionLevel.CONFIDENTIALITY_MARKING,
    ),
    DemoCase(
        story="expiring",
        first_name="Hugo",
        last_name="Berg",
        birth="20131111",
        serial=995,
        initiator=MEMBER,
        started_days_ago=350,
        preschool=False,
        reasons=("health", "learning", "safety"),
        reason_description="Hög frånvaro, nedstämdhet och konflikter hemma under förra läsåret.",
        family_view="Familjen vill fortsätta med de gemensamma uppföljningarna.",
        child_view="Hugo vill att färre vuxna frågar hur han mår.",
        guardians=(
            DemoGuardian("Anneli", "Berg", Relation.MOTHER, "19810505", 996, "070-1740613"),
            DemoGuardian("Tomas", "Berg", Relation.FATHER, "19791228", 997, "070-1740614"),
        ),
    ),
    DemoCase(
        story="closed",
        first_name="Saga",
        last_name="Johansson",
        birth="20200817",
        serial=998,
        initiator=MEMBER,
        started_days_ago=60,
        preschool=True,
        reasons=("learning",),
        reason_description="Förskolan ser behov av stöd i samspelet med andra barn.",
        family_view="Pappan vill veta hur han kan stötta Saga hemma.",
        child_view="",
        guardians=(DemoGuardian("Jonas", "Johansson", Relation.FATHER, "19840403", 999, "070-1740615"),),
    ),
]


# Stories that meet the team (demo/meetings.py takes them on from "ready"). The two of TODAY wait
# on the agenda of the meeting under way today, for the minutes to be taken.
TODAY_STORIES = ("today", "today_with_family")
MEETING_STORIES = ("on_agenda", "feedback_due", "feedback_overdue", "feedback_given", *TODAY_STORIES)
DEMO_CASES += [
    DemoCase(
        story="on_agenda",
        first_name="Elias",
        last_name="Nyström",
        birth="20140905",
        serial=982,
        initiator=MEMBER,
        started_days_ago=12,
        preschool=False,
        reasons=("learning", "health"),
        reason_description="Svårt att komma till skolan på morgnarna och ont i magen flera dagar i veckan.",
        family_view="Föräldrarna vill förstå vad som gör morgnarna så svåra.",
        child_view="Elias vill ha en lugnare plats att börja dagen på.",
        guardians=(
            DemoGuardian("Karin", "Nyström", Relation.MOTHER, "19830417", 984, "070-1740616"),
            DemoGuardian("Johan", "Nyström", Relation.FATHER, "19820221", 985, "070-1740617"),
        ),
    ),
    DemoCase(
        story="feedback_due",
        first_name="Ida",
        last_name="Sundqvist",
        birth="20180622",
        serial=986,
        initiator=COORDINATOR,
        started_days_ago=30,
        preschool=True,
        reasons=("safety",),
        reason_description="Förskolan och BVC ser en orolig flicka efter en separation i familjen.",
        family_view="Mamman vill ha stöd i hur hon pratar med Ida om separationen.",
        child_view="",
        guardians=(
            DemoGuardian("Maria", "Sundqvist", Relation.MOTHER, "19900802", 987, "070-1740618"),
            DemoGuardian("Oskar", "Sundqvist", Relation.FATHER, "19881130", 988, "070-1740619"),
        ),
    ),
    DemoCase(
        story="feedback_given",
        first_name="Leo",
        last_name="Marklund",
        birth="20130310",
        serial=989,
        initiator=MEMBER,
        started_days_ago=90,
        preschool=False,
        reasons=("health", "safety"),
        reason_description="Leo har dragit sig undan kamraterna och skolsköterskan ser tecken på sömnproblem.",
        family_view="Pappan vill att skolan och hälsocentralen pratar ihop sig.",
        child_view="Leo vill få prata med någon utan att föräldrarna är med varje gång.",
        guardians=(DemoGuardian("Mats", "Marklund", Relation.FATHER, "19750915", 990, "070-1740620"),),
    ),
    DemoCase(
        story="feedback_overdue",
        first_name="Alva",
        last_name="Öberg",
        birth="20160128",
        serial=991,
        initiator=MEMBER,
        started_days_ago=95,
        preschool=False,
        reasons=("learning",),
        reason_description="Alva har svårt med läsningen och tappar motivationen i skolan.",
        family_view="Föräldrarna vill veta om det kan vara dyslexi och hur de kan hjälpa hemma.",
        child_view="Alva tycker att det är pinsamt att läsa högt.",
        guardians=(
            DemoGuardian("Elin", "Öberg", Relation.MOTHER, "19870709", 992, "070-1740621"),
            DemoGuardian("Viktor", "Öberg", Relation.FATHER, "19860312", 993, "070-1740622"),
        ),
    ),
    DemoCase(
        story="today",
        first_name="Nora",
        last_name="Lundqvist",
        birth="20170925",
        serial=994,
        initiator="alidhem.1@hlt.example",
        started_days_ago=25,
        preschool=False,
        reasons=("health", "learning"),
        reason_description="Nora har ofta huvudvärk i skolan och har svårt att komma igång med uppgifterna.",
        family_view="Föräldrarna undrar om huvudvärken hänger ihop med att skolarbetet känns svårt.",
        child_view="Nora vill slippa sitta längst bak där hon inte ser tavlan.",
        guardians=(
            DemoGuardian("Sanna", "Lundqvist", Relation.MOTHER, "19880514", 981, "070-1740623"),
            DemoGuardian("Henrik", "Lundqvist", Relation.FATHER, "19861023", 983, "070-1740624"),
        ),
    ),
    DemoCase(
        story="today_with_family",
        first_name="Adam",
        last_name="Karlsson",
        birth="20210411",
        serial=996,
        initiator="alidhem.4@hlt.example",
        started_days_ago=28,
        preschool=True,
        reasons=("health", "safety"),
        reason_description="BVC och förskolan ser att Adam äter dåligt och ofta är ledsen vid hämtning.",
        family_view="Föräldrarna vill ha råd om maten och om hur de kan göra kvällarna lugnare.",
        child_view="",
        guardians=(
            DemoGuardian("Amira", "Karlsson", Relation.MOTHER, "19930217", 985, "070-1740625"),
            DemoGuardian("Peter", "Karlsson", Relation.FATHER, "19910605", 987, "070-1740626"),
        ),
    ),
]
