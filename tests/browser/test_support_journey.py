"""Support after the meeting in a real browser, every page checked with axe-core.

A case was discussed at a closed meeting with an agreed action, and the family has had the
feedback. The team member turns the agreed action into an intervention and adds one by hand,
starts it, records both guardians' consent to a SIP and starts the SIP. Saving it with both
principals holding the overall responsibility is refused; with the municipality alone holding it,
the plan is established and downloaded. A follow-up with the family is planned; closing the case
is refused while it is open, naming it. The follow-up is recorded, finishing and evaluating the
intervention, and the case is closed with the family's experience.

Selectors go by `name`, `value` and `href`; where text must match, a regex accepts the Swedish or
the English wording.
"""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import CaseStatus
from meetings.feedback import feedback_record
from meetings.models import AgreedAction, InterventionType
from sip.models import LegalDocument, LegalReference, Sip, SipStatus
from support.models import EvaluationOutcome, InterventionStatus
from teams.models import PrincipalType, UnitKind
from tests.browser.conftest import check_a11y, submit
from tests.browser.test_case_journey import log_in, status_badge
from tests.factories import UnitFactory
from tests.feedback_helpers import closed_meeting, discussed_item
from tests.sip_helpers import EFFORTS, GOALS, HEALTH_DUTIES, OTHER, SOCIAL_DUTIES

pytestmark = pytest.mark.django_db(transaction=True)

FEEDBACK_GIVEN = re.compile(r"Återkoppling given|Feedback given")
SUPPORT_ONGOING = re.compile(r"Pågående stöd|Support ongoing")
CLOSED = re.compile(r"Avslutat|Avslutad|Closed")
ONGOING = re.compile(r"Pågående|Pågår|Ongoing")
DONE = re.compile(r"Klar|Avslutad|Genomförd|Utförd|Done")
REACHED = re.compile(r"Målet (uppnåddes|nåddes|är nått|uppnått)|The goal was reached")
ESTABLISHED = re.compile(r"Fastställd|Established")
ONE_OVERALL = re.compile(r"övergripande ansvar|overall responsibility", re.IGNORECASE)
FOLLOW_UP_DUE = re.compile(r"Uppföljning|Follow-up")
FOUR_OF_FIVE = re.compile(r"4 av 5|4 of 5")
LEGAL_REFERENCE = "2 kap. 7 § socialtjänstlagen och 16 kap. 4 § hälso- och sjukvårdslagen"
HAND_ADDED = "Samtal om sömnen"
AGREED = "Anpassad studiegång"


@pytest.fixture
def social_services(team):
    """The municipality's social services, in the team's area: the SIP's municipal principal."""
    unit = UnitFactory(
        name="Socialtjänsten Umeå",
        kind=UnitKind.SOCIAL_SERVICES,
        principal_type=PrincipalType.MUNICIPALITY,
        municipality=team.area.municipality,
    )
    team.area.units.add(unit)
    return unit


@pytest.fixture
def intervention_types():
    """The seeded catalogue is gone after a transactional test's flush: make sure two types exist."""
    return {
        name: InterventionType.objects.get_or_create(name=name)[0]
        for name in ("Anpassat stöd i förskola/skola", "Familjesamtal")
    }


@pytest.fixture
def feedback_given(team, member, coordinator, area_units, social_services, consented_case, intervention_types):
    """`consented_case` discussed at a meeting a week ago with one agreed action for the school,
    and the feedback given to the family by phone today: "feedback given", no open deadline."""
    today = timezone.localdate()
    meeting = closed_meeting(team, day=today - timedelta(days=7), closed_by=coordinator)
    item = discussed_item(
        consented_case, contact=member, meeting=meeting, summary="Oro för skolan.", proposal="Stöd i skolan."
    )
    AgreedAction.objects.create(
        item=item,
        intervention_type=intervention_types["Anpassat stöd i förskola/skola"],
        description=AGREED,
        responsible_unit=area_units["school"],
        responsible_person=member,
        for_family=True,
    )
    feedback_record(item=item, actor=member, given_on=today, method="phone", answer="accepted", note="", today=today)
    LegalReference.objects.update_or_create(document=LegalDocument.SIP, defaults={"text": LEGAL_REFERENCE})
    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.FEEDBACK_GIVEN
    return consented_case


def go(page, href: str, *, check: bool = False) -> None:
    """Follow the link to `href` in the page's main part and wait for it."""
    page.locator(f'main a[href="{href}"]').first.click()
    page.wait_for_url(f"**{href.split('?')[0]}*")
    if check:
        check_a11y(page)


def back_to_plan(page, case_url: str) -> None:
    submit(page)
    page.wait_for_url(f"**{case_url}#plan")


def record_sip_consent(page, case_url: str, adult, *, check: bool = False) -> None:
    go(page, f"{case_url}samtycke/nytt/?syfte=sip", check=check)
    assert page.is_checked("input[name=purpose][value=sip]")
    page.check(f"input[name=giver][value='{adult.pk}']")
    page.check("input[name=method][value=paper]")  # parties, categories and dates keep their defaults
    submit(page)
    page.wait_for_url(f"**{case_url}")


def pdf_text(download) -> str:
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    return " ".join(" ".join(page_.extract_text().split()) for page_ in PdfReader(io.BytesIO(pdf)).pages)


def test_support_is_planned_a_sip_established_followed_up_and_the_case_closed(
    page, team, member, area_units, social_services, intervention_types, feedback_given, private_dir
):
    case = feedback_given
    case_url = f"/arenden/{case.pk}/"
    sip_url = f"{case_url}sip/"
    today = timezone.localdate()
    anna, bertil = (case.adults.get(first_name=name) for name in ("Anna", "Bertil"))

    # The case, discussed and with the feedback given, offers the meeting's agreed action.
    log_in(page, member)
    page.goto(case_url)
    assert FEEDBACK_GIVEN.search(status_badge(page).inner_text())
    check_a11y(page)

    # 1. The agreed action becomes an intervention, followed up in a month.
    go(page, f"{case_url}insatser/fran-motet/", check=True)
    assert page.input_value("input[name=start_date]") == today.isoformat()
    page.fill("input[name=follow_up_date]", (today + timedelta(days=30)).isoformat())
    back_to_plan(page, case_url)
    from_meeting = case.interventions.get(agreed_action__isnull=False)
    row = page.locator(f"#intervention-{from_meeting.pk}").inner_text()
    assert AGREED in row and area_units["school"].name in row and member.full_name in row
    assert page.locator(f'main a[href="{case_url}insatser/fran-motet/"]').count() == 0  # nothing waits now

    # ... and one by hand, at the health centre.
    go(page, f"{case_url}insatser/ny/", check=True)
    page.select_option("select[name=intervention_type]", str(intervention_types["Familjesamtal"].pk))
    page.fill("input[name=description]", HAND_ADDED)
    page.select_option("select[name=responsible_unit]", str(area_units["health_centre"].pk))
    page.select_option("select[name=responsible_person]", str(member.pk))
    page.fill("input[name=follow_up_date]", (today + timedelta(days=14)).isoformat())
    back_to_plan(page, case_url)
    by_hand = case.interventions.get(agreed_action__isnull=True)
    assert HAND_ADDED in page.locator(f"#intervention-{by_hand.pk}").inner_text()

    # The one by hand starts, and with it the support.
    go(page, f"{case_url}insatser/{by_hand.pk}/status/", check=True)
    page.check("input[name=status][value=ongoing]")
    back_to_plan(page, case_url)
    assert ONGOING.search(page.locator(f"#intervention-{by_hand.pk}").inner_text())
    assert SUPPORT_ONGOING.search(status_badge(page).inner_text())
    check_a11y(page)

    # 2. Before the SIP consent, the SIP pages say so in a warning with a link (its contrast checked).
    page.goto(f"{sip_url}ny/")
    check_a11y(page)
    page.locator("main .alert-warning a.alert-link").wait_for()
    page.goto(sip_url)
    check_a11y(page)
    page.goto(case_url)

    # Both guardians consent to a SIP, on the paper form.
    record_sip_consent(page, case_url, anna, check=True)
    record_sip_consent(page, case_url, bertil)

    # 3. The SIP is started from its page.
    go(page, sip_url, check=True)
    go(page, f"{sip_url}ny/", check=True)
    submit(page)
    page.wait_for_url(f"**{sip_url}andra/")
    check_a11y(page)

    # The plan, at first with both principals marked as having the overall responsibility.
    page.fill("textarea[name=family_goals]", GOALS)
    page.fill("textarea[name=efforts_needed]", EFFORTS)
    page.fill("textarea[name=other_measures]", OTHER)
    page.fill("input[name=meeting_date]", (today + timedelta(days=7)).isoformat())
    page.fill("input[name=meeting_place]", "Ålidhems hälsocentral, rum 2")
    page.fill("input[name=follow_up_date]", (today + timedelta(days=90)).isoformat())
    for row, (principal, unit, duties) in enumerate(
        [
            ("municipality", social_services, SOCIAL_DUTIES),
            ("region", area_units["health_centre"], HEALTH_DUTIES),
        ]
    ):
        page.select_option(f"select[name=principals-{row}-principal_type]", principal)
        page.select_option(f"select[name=principals-{row}-unit]", str(unit.pk))
        page.fill(f"textarea[name=principals-{row}-responsibilities]", duties)
        page.check(f"input[name=principals-{row}-is_overall_responsible]")
    page.select_option("select[name=principals-0-coordinator]", str(member.pk))
    submit(page)
    refusal = page.locator("main .alert-danger, main .alert-block").first
    refusal.wait_for()
    assert ONE_OVERALL.search(refusal.inner_text()) and "2" in refusal.inner_text()
    assert page.url.endswith(f"{sip_url}andra/")
    check_a11y(page)
    assert not Sip.objects.get(case=case).principals.exists()  # nothing half-saved

    # Only the municipality keeps it; the plan is saved, then established.
    page.uncheck("input[name=principals-1-is_overall_responsible]")
    submit(page)
    page.wait_for_url(f"**{sip_url}")
    check_a11y(page)
    go(page, f"{sip_url}faststall/", check=True)
    submit(page)
    page.wait_for_url(f"**{sip_url}")
    assert ESTABLISHED.search(page.locator("main .badge").first.inner_text())
    check_a11y(page)
    sip = Sip.objects.get(case=case)
    assert sip.status == SipStatus.ESTABLISHED and sip.version == 1

    # The plan as a PDF: the family's goals and the four statutory parts.
    with page.expect_download() as download_info:
        page.locator(f'main a[href="{sip_url}plan.pdf"]').click()
    text = pdf_text(download_info.value)
    assert case.child.full_name in text and GOALS in text
    assert "1. Insatser som behövs" in text and EFFORTS in text
    assert "2. Insatser som respektive huvudman ansvarar för" in text
    assert SOCIAL_DUTIES in text and HEALTH_DUTIES in text
    assert "3. Åtgärder som vidtas av någon annan" in text and OTHER in text
    overall = text.split("4. Huvudman med övergripande ansvar för planen", 1)[1]
    assert f"Kommunen: {social_services.name}" in overall and member.full_name in overall
    assert area_units["health_centre"].name not in overall.split("SIP-möte", 1)[0]
    assert LEGAL_REFERENCE in text

    # The case page shows the SIP in the plan.
    page.goto(case_url)
    sip_summary = page.locator("section", has=page.locator("#sip-heading")).inner_text()
    assert ESTABLISHED.search(sip_summary) and social_services.name in sip_summary

    # 4. A follow-up of the started intervention, at a meeting with the family in three days.
    go(page, f"{case_url}uppfoljningar/ny/?insats={by_hand.pk}", check=True)
    assert page.input_value("select[name=intervention]") == str(by_hand.pk)
    assert page.input_value("select[name=responsible]") == str(member.pk)
    page.check("input[name=kind][value=family_meeting]")
    follow_up_day = (today + timedelta(days=3)).isoformat()
    page.fill("input[name=planned_on]", follow_up_day)
    back_to_plan(page, case_url)
    follow_up = case.follow_ups.get()
    assert follow_up_day in page.locator(f"#follow-up-{follow_up.pk}").inner_text()
    check_a11y(page)

    # 5. Closing now is refused: the refusal names the open follow-up and its date.
    go(page, f"{case_url}avsluta/", check=True)
    page.select_option("select[name=reason]", "needs_met")
    page.check("input[name=family_experience][value='4']")
    submit(page)
    refusal = page.locator("main .alert-danger, main .alert-block").first
    refusal.wait_for()
    assert FOLLOW_UP_DUE.search(refusal.inner_text()) and follow_up_day in refusal.inner_text()
    check_a11y(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPORT_ONGOING and case.closed_on is None

    # The follow-up is held today: the intervention is finished and evaluated.
    page.goto(case_url)
    go(page, f"{case_url}uppfoljningar/{follow_up.pk}/", check=True)
    page.fill("textarea[name=summary]", "Familjesamtalen har hjälpt, sömnen är bättre.")
    page.fill("textarea[name=family_view]", "Nöjda med samtalen.")
    page.check("input[name=finish_intervention]")
    page.check(f"input[name=outcome][value={EvaluationOutcome.REACHED}]")
    page.fill("textarea[name=evaluation_comment]", "Inga fler samtal behövs.")
    back_to_plan(page, case_url)
    evaluated = page.locator(f"#intervention-{by_hand.pk}").inner_text()
    assert DONE.search(evaluated) and REACHED.search(evaluated)
    assert today.isoformat() in page.locator(f"#follow-up-{follow_up.pk}").inner_text()
    check_a11y(page)
    by_hand.refresh_from_db()
    assert by_hand.status == InterventionStatus.DONE and by_hand.outcome == EvaluationOutcome.REACHED

    # The case closes, with the family's experience: 4 of 5.
    go(page, f"{case_url}avsluta/")
    page.select_option("select[name=reason]", "needs_met")
    page.check("input[name=family_experience][value='4']")
    page.fill("textarea[name=family_experience_comment]", "Bra att slippa samordna själva.")
    submit(page)
    page.wait_for_url(f"**{case_url}")
    assert CLOSED.search(status_badge(page).inner_text())
    about = page.locator("section", has=page.locator("#case-heading")).inner_text()
    assert FOUR_OF_FIVE.search(about) and "Bra att slippa samordna själva." in about
    assert page.locator(f'main a[href="{case_url}avsluta/"]').count() == 0
    check_a11y(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_on == today and case.family_experience == 4
    from_meeting.refresh_from_db()
    assert from_meeting.status == InterventionStatus.CANCELLED  # ends with the case
