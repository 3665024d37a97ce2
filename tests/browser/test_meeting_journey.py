"""The meeting journey in a real browser, every page checked with axe-core.

The coordinator opens the meeting, records attendance and the minutes for two cases, is refused
closing while one case has no contact person, names one and closes the minutes. The contact person
sees both feedback deadlines, downloads a letter, records the feedback and the case shows it. The
coordinator sees the overdue feedback of an earlier meeting.

Selectors go by `name`, `value` and `href`; where text must match, a regex accepts the Swedish or
the English wording.
"""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.deadlines import deadline_open
from cases.models import CaseStatus, DeadlineKind
from cases.services import case_transition
from meetings.models import AgendaItem, InterventionType, ItemState, MeetingStatus
from meetings.services import agenda_item_add
from tests.browser.conftest import check_a11y, submit
from tests.browser.test_case_journey import log_in, log_out, status_badge
from tests.factories import AdultFactory, CaseFactory, MeetingFactory, consent_all

pytestmark = pytest.mark.django_db(transaction=True)

DISCUSSED = re.compile(r"Diskuterat|Discussed")
MINUTES_CLOSED = re.compile(r"Protokollet stängt|Minutes closed")
NO_CONTACT = re.compile(r"kontaktperson|contact person", re.IGNORECASE)
SAVED = re.compile(r"sparad|sparat|saved", re.IGNORECASE)
RECORDED = re.compile(r"registrerad|recorded", re.IGNORECASE)
FEEDBACK_GIVEN = re.compile(r"Återkoppling given|Feedback given")
OVERDUE = re.compile(r"Försenad|Försenat|Overdue")
INTERNAL_SUMMARY = "Internt: skolan har sett frånvaro sedan hösten."
NOT_FOR_FAMILY = "Orosanmälan övervägs av socialtjänsten"


def _new_case(team, member, guardians: tuple[str, str]):
    case = CaseFactory(team=team, initiator=member, initiator_unit=member.memberships.get(team=team).home_unit)
    for first_name, relation in zip(guardians, ("mother", "father"), strict=True):
        AdultFactory(case=case, first_name=first_name, relation=relation)
    return consent_all(case, actor=member)


@pytest.fixture
def second_case(team, member, area_units):
    """Another consented case of the team: another child, other guardians."""
    return _new_case(team, member, ("Cecilia", "David"))


@pytest.fixture
def meeting_today(team, coordinator, area_units, consented_case, second_case):
    """A meeting that started half an hour ago, with both cases put on its agenda a week before."""
    now = timezone.now()
    starts_at = now - timedelta(minutes=30)
    day = timezone.localtime(starts_at).date()
    meeting = MeetingFactory(
        team=team,
        day=day,
        starts_at=starts_at,
        ends_at=now + timedelta(hours=2),
        agenda_closes_at=starts_at - timedelta(days=7),
    )
    for case in (consented_case, second_case):
        agenda_item_add(meeting=meeting, case=case, actor=coordinator, now=starts_at - timedelta(days=8))
    return meeting


@pytest.fixture
def overdue_item(team, member, colleague, coordinator, area_units, meeting_today):
    """A case discussed ten days ago whose contact person, `colleague`, is three days late."""
    case = _new_case(team, member, ("Eva", "Fredrik"))
    day = timezone.localdate() - timedelta(days=10)
    # Another month than today's meeting, which holds its own month (one meeting a month per team).
    month = (meeting_today.month - timedelta(days=1)).replace(day=1)
    meeting = MeetingFactory(team=team, day=day, month=month)
    item = agenda_item_add(meeting=meeting, case=case, actor=member, now=meeting.starts_at - timedelta(days=8))
    case.refresh_from_db()
    case_transition(case=case, to=CaseStatus.DISCUSSED, actor=coordinator)
    item.deadline = deadline_open(
        case=case, kind=DeadlineKind.FEEDBACK, responsible=colleague, due_date=timezone.localdate() - timedelta(days=3)
    )
    item.state, item.contact_person, item.summary = ItemState.DISCUSSED, colleague, "Stöd i skolan."
    item.save(update_fields=["deadline", "state", "contact_person", "summary"])
    meeting.status, meeting.closed_at, meeting.closed_by = MeetingStatus.CLOSED, meeting.ends_at, coordinator
    meeting.save(update_fields=["status", "closed_at", "closed_by"])
    return item


@pytest.fixture
def intervention_types():
    """The seeded catalogue is gone after a transactional test's flush: make sure two types exist."""
    return {
        name: InterventionType.objects.get_or_create(name=name)[0]
        for name in ("Anpassat stöd i förskola/skola", "Familjesamtal")
    }


def record_minutes(page, item, *, summary, proposal, offer, contact=None, actions=(), check=False):
    """Fill in the minutes for one case on its page and save; `actions` are dicts of field values."""
    page.locator(f'main a[href$="/dagordning/{item.pk}/protokoll/"]').click()
    page.wait_for_url(f"**/dagordning/{item.pk}/protokoll/")
    if check:
        check_a11y(page)
    page.fill("textarea[name=summary]", summary)
    page.fill("textarea[name=proposal]", proposal)
    page.check(f"input[name={offer}]")
    page.select_option("select[name=contact_person]", str(contact.pk) if contact else "")
    for row, action in enumerate(actions):
        page.select_option(f"select[name=actions-{row}-intervention_type]", str(action["type"].pk))
        page.fill(f"input[name=actions-{row}-description]", action["what"])
        page.select_option(f"select[name=actions-{row}-responsible_unit]", str(action["unit"].pk))
        page.select_option(f"select[name=actions-{row}-responsible_person]", str(action["person"].pk))
        if not action.get("for_family", True):
            page.uncheck(f"input[name=actions-{row}-for_family]")
    submit(page)
    page.wait_for_url(re.compile(rf"/moten/[0-9a-f-]{{36}}/#item-{item.pk}$"))


def test_a_meeting_is_recorded_and_closed_and_the_family_gets_feedback(
    page,
    team,
    member,
    colleague,
    coordinator,
    area_units,
    consented_case,
    second_case,
    meeting_today,
    overdue_item,
    intervention_types,
    private_dir,
    eager_tasks,
    settings,
):
    settings.MFA_TOTP_TOLERANCE = 1  # see log_in(): the coordinator logs in twice
    meeting = meeting_today
    first, second = (meeting.items.get(case=case) for case in (consented_case, second_case))
    first_child, second_child = consented_case.child.full_name, second_case.child.full_name
    meeting_url = f"/moten/{meeting.pk}/"

    # The coordinator opens today's meeting from the menu.
    log_in(page, coordinator)
    page.locator('nav a[href="/moten/"]').click()
    page.wait_for_url("**/moten/")
    check_a11y(page)
    page.locator(f'main a[href="{meeting_url}"]').click()
    page.wait_for_url(f"**{meeting_url}")
    assert first_child in page.locator(f"#item-{first.pk}").inner_text()
    assert second_child in page.locator(f"#item-{second.pk}").inner_text()
    check_a11y(page)

    # Attendance: the member and the colleague, and a guest.
    page.locator(f'main a[href="{meeting_url}narvaro/"]').click()
    page.wait_for_url("**/narvaro/")
    check_a11y(page)
    page.check(f"input[name=present][value='{member.pk}']")
    page.check(f"input[name=present][value='{colleague.pk}']")
    page.fill("textarea[name=guests_present]", "Eva Ek, skolsköterska")
    submit(page)
    page.wait_for_url(f"**{meeting_url}#attendance")
    assert SAVED.search(page.locator("main .alert").first.inner_text())
    attendance = page.locator("#attendance").inner_text()
    assert member.full_name in attendance and colleague.full_name in attendance and "Eva Ek" in attendance

    # The minutes: the first case with two actions, one of them not for the family's letter.
    record_minutes(
        page,
        first,
        summary=INTERNAL_SUMMARY,
        proposal="Vi föreslår ett gemensamt möte med skolan och hälsocentralen.",
        offer="offer_joint_meeting",
        contact=member,
        actions=[
            {
                "type": intervention_types["Anpassat stöd i förskola/skola"],
                "what": "Anpassad studiegång",
                "unit": area_units["school"],
                "person": member,
            },
            {
                "type": intervention_types["Familjesamtal"],
                "what": NOT_FOR_FAMILY,
                "unit": area_units["health_centre"],
                "person": colleague,
                "for_family": False,
            },
        ],
        check=True,
    )
    assert DISCUSSED.search(page.locator(f"#item-{first.pk}").inner_text())

    # The second case, at first without a contact person.
    record_minutes(
        page,
        second,
        summary="Oro för sömnen.",
        proposal="Vi föreslår en samordnad individuell plan.",
        offer="offer_sip",
        actions=[
            {
                "type": intervention_types["Familjesamtal"],
                "what": "Samtal på hälsocentralen",
                "unit": area_units["health_centre"],
                "person": colleague,
            }
        ],
    )

    # Closing is refused, naming the case without a contact person.
    page.locator(f'main a[href="{meeting_url}stang/"]').click()
    page.wait_for_url("**/stang/")
    check_a11y(page)
    submit(page)
    refusal = page.locator("main .alert-danger, main .alert-block").first
    refusal.wait_for()
    assert NO_CONTACT.search(refusal.inner_text()) and second_child in refusal.inner_text()
    assert first_child not in refusal.inner_text()
    check_a11y(page)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED

    # The coordinator names the member, then closes the minutes.
    page.goto(meeting_url)
    page.locator(f'main a[href$="/dagordning/{second.pk}/protokoll/"]').click()
    page.wait_for_url(f"**/dagordning/{second.pk}/protokoll/")
    assert page.input_value("select[name=actions-0-responsible_person]") == str(colleague.pk)  # kept
    page.select_option("select[name=contact_person]", str(member.pk))
    submit(page)
    page.wait_for_url(re.compile(rf"#item-{second.pk}$"))
    page.locator(f'main a[href="{meeting_url}stang/"]').click()
    page.wait_for_url("**/stang/")
    submit(page)
    page.wait_for_url(f"**{meeting_url}")

    # The minutes are read only now, and both cases are discussed.
    assert MINUTES_CLOSED.search(page.locator("main .badge.fs-6").inner_text())
    assert page.locator('main a[href$="/protokoll/"]').count() == 0
    assert page.locator(f'main a[href="{meeting_url}stang/"]').count() == 0
    for item in (first, second):
        card = page.locator(f"#item-{item.pk}").inner_text()
        assert DISCUSSED.search(card) and member.full_name in card
    assert INTERNAL_SUMMARY in page.locator(f"#item-{first.pk}").inner_text()
    check_a11y(page)
    consented_case.refresh_from_db()
    second_case.refresh_from_db()
    assert consented_case.status == second_case.status == CaseStatus.DISCUSSED

    # The contact person sees both deadlines, a week after the meeting.
    log_out(page)
    log_in(page, member)
    page.locator('nav a[href="/aterkopplingar/"]').click()
    page.wait_for_url("**/aterkopplingar/")
    due = (timezone.localtime(meeting.starts_at).date() + timedelta(days=7)).isoformat()
    for item, child in ((first, first_child), (second, second_child)):
        row = page.locator("main tr", has=page.locator(f'a[href="/aterkopplingar/{item.pk}/"]'))
        assert child in row.inner_text() and due in row.inner_text()
    assert overdue_item.case.child.full_name not in page.locator("main").inner_text()
    check_a11y(page)

    # The letter for the first case: the contact person and the offer, nothing internal.
    with page.expect_download() as download_info:
        page.locator(f'main a[href="/aterkopplingar/{first.pk}/brev.pdf"]').click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(" ".join(page_.extract_text().split()) for page_ in PdfReader(io.BytesIO(pdf)).pages)
    assert member.full_name in text and first_child in text
    assert "gemensamt möte" in text and "Anpassad studiegång" in text
    assert NOT_FOR_FAMILY not in text and INTERNAL_SUMMARY not in text and "SIP" not in text

    # The feedback, given by phone today and accepted.
    page.locator(f'main a[href="/aterkopplingar/{first.pk}/"]').click()
    page.wait_for_url(f"**/aterkopplingar/{first.pk}/")
    check_a11y(page)
    assert page.input_value("input[name=given_on]") == timezone.localdate().isoformat()
    page.check("input[name=method][value=phone]")
    page.check("input[name=answer][value=accepted]")
    submit(page)
    page.wait_for_url("**/aterkopplingar/")
    assert RECORDED.search(page.locator("main .alert-success").first.inner_text())
    assert page.locator(f'main a[href="/aterkopplingar/{first.pk}/"]').count() == 0
    assert page.locator(f'main a[href="/aterkopplingar/{second.pk}/"]').count() == 1
    check_a11y(page)

    page.goto(f"/arenden/{consented_case.pk}/")
    assert FEEDBACK_GIVEN.search(status_badge(page).inner_text())
    check_a11y(page)
    first.refresh_from_db()
    assert first.feedback_on == timezone.localdate() and first.deadline.completed_at is not None

    # The coordinator sees the earlier meeting's feedback, overdue, with its contact person.
    log_out(page)
    log_in(page, coordinator, again=True)
    page.locator('nav a[href="/aterkopplingar/"]').click()
    page.wait_for_url("**/aterkopplingar/")
    row = page.locator("main tr", has=page.locator(f'a[href="/aterkopplingar/{overdue_item.pk}/"]'))
    row_text = row.inner_text()
    assert OVERDUE.search(row_text)
    assert overdue_item.case.child.full_name in row_text and colleague.full_name in row_text
    assert page.locator(f'main a[href="/aterkopplingar/{second.pk}/"]').count() == 0  # not late, not theirs
    check_a11y(page)
    assert AgendaItem.objects.get(pk=overdue_item.pk).deadline.completed_at is None


def test_a_late_contact_person_sees_it_and_a_date_before_the_meeting_is_refused_at_the_field(
    page, colleague, overdue_item, private_dir
):
    log_in(page, colleague)
    page.goto("/aterkopplingar/")
    link = page.locator(f'a[href="/aterkopplingar/{overdue_item.pk}/"]')
    assert OVERDUE.search(page.locator("main tr", has=link).inner_text())
    check_a11y(page)

    link.click()
    page.wait_for_url(f"**/aterkopplingar/{overdue_item.pk}/")
    assert OVERDUE.search(page.locator("main dl").inner_text())
    meeting_day = timezone.localtime(overdue_item.meeting.starts_at).date()
    page.fill("input[name=given_on]", (meeting_day - timedelta(days=1)).isoformat())
    page.check("input[name=method][value=meeting]")
    page.check("input[name=answer][value=thinking]")
    submit(page)

    field = page.locator("input[name=given_on]")
    field.and_(page.locator(".is-invalid, [aria-invalid=true]")).wait_for()
    assert page.url.endswith(f"/aterkopplingar/{overdue_item.pk}/")
    described = (field.get_attribute("aria-describedby") or "").split()
    errors = [id_ for id_ in described if page.locator(f"#{id_}.invalid-feedback").count()]
    assert errors, f"the error is not tied to the field: aria-describedby={described}"
    assert meeting_day.isoformat() in page.locator(f"#{errors[0]}").inner_text()
    check_a11y(page)
    overdue_item.refresh_from_db()
    assert overdue_item.feedback_on is None and overdue_item.deadline.completed_at is None
