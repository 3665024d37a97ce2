"""The feedback letter to the guardians: what the printed PDF says and leaves out, that it is rendered
once per content, and that downloading it goes through the access policy as a print.

The PDF is read back with pypdf, as a guardian would read the paper.
"""

import io
import threading

import pypdf
import pytest
from django.db import connection
from django.utils import timezone

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import ProtectionLevel
from meetings import pdf as meetings_pdf
from meetings.models import AgendaItem, AgreedAction, InterventionType
from meetings.pdf import feedback_letter_render
from meetings.tasks import feedback_letter_render_task
from teams.models import UnitKind
from tests.factories import UnitFactory
from tests.feedback_helpers import discussed_item

pytestmark = pytest.mark.django_db

A4_POINTS = (595.28, 841.89)
SUMMARY = "Mamman berättade om oro för pappans hälsa"
HIDDEN_ACTION = "Orosanmälan övervägs"


@pytest.fixture
def item(consented_case, member, private_dir):
    """`consented_case` discussed a week ago with minutes, offers and two agreed actions."""
    member.phone = "090-12 34 56"
    member.save()
    item = discussed_item(
        consented_case,
        contact=member,
        summary=SUMMARY,
        proposal="Vi föreslår stöd i klassrummet och samtal med skolkuratorn.",
        offer_joint_meeting=True,
        offer_sip=True,
        offer_other="Föräldragrupp på familjecentralen",
    )
    municipality = consented_case.team.area.municipality
    school = UnitFactory(kind=UnitKind.SCHOOL, municipality=municipality, name="Ålidhemsskolan")
    social = UnitFactory(kind=UnitKind.SOCIAL_SERVICES, municipality=municipality, name="Socialtjänsten Umeå")
    AgreedAction.objects.create(
        item=item,
        intervention_type=InterventionType.objects.get_or_create(name="Anpassat stöd i förskola/skola")[0],
        description="Extra anpassningar i matematik",
        responsible_unit=school,
    )
    AgreedAction.objects.create(
        item=item,
        intervention_type=InterventionType.objects.get_or_create(name="Familjesamtal")[0],
        description=HIDDEN_ACTION,
        responsible_unit=social,
        for_family=False,
    )
    return item


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _letter(item) -> str:
    feedback_letter_render(item_id=item.pk)
    item.refresh_from_db()
    with item.letter.open("rb") as file:
        return _text(file.read())


def _protect(person) -> None:
    person.protection = ProtectionLevel.PROTECTED_REGISTRATION
    person.save()


# --- What it says ------------------------------------------------------------------------------------


def test_it_names_the_contact_person_and_how_to_reach_them(item, member):
    text = _letter(item)

    assert member.full_name in text
    assert "090-12 34 56" in text
    assert member.email in text
    assert member.memberships.get().home_unit.name in text


def test_it_asks_the_family_to_ring_the_contact_persons_number_rather_than_write(item):
    text = _letter(item)

    assert "Skriv inte känsliga uppgifter i e-post. Ring hellre, eller be om ett möte." in text


def test_it_offers_a_call_back_when_the_contact_person_has_no_phone_number(item, member):
    # Given a contact person without a work phone number
    member.phone = ""
    member.save()

    # When the letter is printed
    text = _letter(item)

    # Then it does not ask the family to ring a number it does not give, but offers a call back by e-mail
    assert "Ring hellre" not in text
    assert "Telefon" not in text
    assert (
        f"Vill ni hellre prata i telefon? Skriv bara det nummer vi når er på, så ringer {member.full_name} upp, "
        "eller be om ett möte."
    ) in text
    assert member.email in text


def test_it_says_what_the_team_proposes(item):
    assert "Vi föreslår stöd i klassrummet och samtal med skolkuratorn." in _letter(item)


def test_it_lists_what_the_family_is_offered(item):
    text = _letter(item)

    assert "Ett gemensamt möte" in text
    assert "samordnad individuell plan (SIP)" in text
    assert "Föräldragrupp på familjecentralen" in text


def test_it_lists_the_actions_meant_for_the_family(item):
    text = _letter(item)

    assert "Extra anpassningar i matematik" in text
    assert "Ålidhemsskolan" in text


def test_it_leaves_out_the_internal_summary(item):
    assert SUMMARY not in _letter(item)


def test_it_leaves_out_an_action_not_meant_for_the_guardians(item):
    text = _letter(item)

    assert HIDDEN_ACTION not in text
    assert "Socialtjänsten Umeå" not in text


def test_it_names_the_child_the_team_and_the_meeting(item, consented_case):
    text = _letter(item)

    assert consented_case.child.full_name in text
    assert consented_case.team.name in text


def test_it_tells_the_family_about_records_and_withdrawing_consent(item):
    text = _letter(item)

    assert "egna journaler" in text
    assert "ta tillbaka" in text


def test_it_addresses_each_guardian_by_name_and_address(item, consented_case):
    text = _letter(item)

    for guardian in consented_case.adults.filter(is_guardian=True):
        assert guardian.full_name in text
    assert "Storgatan 1" in text
    assert "Lämnas personligen" not in text


def test_it_prints_no_address_and_asks_for_handing_over_when_a_guardian_is_protected(item, consented_case):
    _protect(consented_case.adults.get(first_name="Anna"))

    text = _letter(item)

    assert "Storgatan 1" not in text
    assert "Lämnas personligen – skickas inte med post" in text


def test_it_prints_no_address_and_asks_for_handing_over_for_a_protected_child(item, consented_case):
    _protect(consented_case.child)

    text = _letter(item)

    assert "Storgatan 1" not in text
    assert "903 25" not in text
    assert "Lämnas personligen – skickas inte med post" in text


def test_it_is_a_single_a4_page(item):
    feedback_letter_render(item_id=item.pk)
    item.refresh_from_db()
    with item.letter.open("rb") as file:
        reader = pypdf.PdfReader(io.BytesIO(file.read()))

    assert len(reader.pages) == 1
    assert tuple(round(float(v), 2) for v in reader.pages[0].mediabox.upper_right) == A4_POINTS


# --- Rendered once per content -----------------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch):
    """How many times WeasyPrint was asked for a letter."""
    calls = []
    real = meetings_pdf.render_pdf

    def counting(template, context):
        calls.append(template)
        return real(template, context)

    monkeypatch.setattr(meetings_pdf, "render_pdf", counting)
    return calls


def test_it_renders_a_letter_once_however_often_asked(item, renders):
    results = [feedback_letter_render(item_id=item.pk), feedback_letter_render(item_id=item.pk)]

    assert results == [True, False]
    assert len(renders) == 1


def test_it_stores_the_letter_privately_under_a_name_that_says_nothing(item, consented_case, private_dir):
    feedback_letter_render(item_id=item.pk)

    item.refresh_from_db()
    assert item.letter.name.startswith("letters/") and item.letter.name.endswith(".pdf")
    assert consented_case.child.last_name not in item.letter.name
    assert consented_case.reference not in item.letter.name
    assert (private_dir / item.letter.name).exists()
    assert len(item.letter_digest) == 64


def test_it_renders_again_under_the_same_name_when_the_letter_changes(item, member, renders):
    feedback_letter_render(item_id=item.pk)
    name = AgendaItem.objects.get(pk=item.pk).letter.name
    member.phone = "070-765 43 21"
    member.save()

    rendered = feedback_letter_render(item_id=item.pk)

    item.refresh_from_db()
    assert rendered and len(renders) == 2
    assert item.letter.name == name
    with item.letter.open("rb") as file:
        assert "070-765 43 21" in _text(file.read())


def test_it_renders_again_when_the_stored_file_is_missing(item, private_dir):
    feedback_letter_render(item_id=item.pk)
    item.refresh_from_db()
    (private_dir / item.letter.name).unlink()

    assert feedback_letter_render(item_id=item.pk) is True
    assert (private_dir / item.letter.name).exists()


def test_it_renders_through_the_task_once(item, renders):
    assert [feedback_letter_render_task(item.pk), feedback_letter_render_task(item.pk)] == [True, False]


@pytest.mark.django_db(transaction=True)
def test_it_renders_once_when_two_workers_render_at_the_same_time(item, renders):
    results, start = [], threading.Barrier(2)

    def render():
        start.wait()
        try:
            results.append(feedback_letter_render(item_id=item.pk))
        finally:
            connection.close()

    workers = [threading.Thread(target=render) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)

    assert sorted(results) == [False, True]
    assert len(renders) == 1


# --- The download ------------------------------------------------------------------------------------


def _download(client, item):
    return client.get(f"/aterkopplingar/{item.pk}/brev.pdf")


def test_it_downloads_the_letter_with_the_case_reference_and_no_name_in_the_file_name(client, item, member):
    client.force_login(member)

    response = _download(client, item)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="aterkopplingsbrev-{item.case.reference}.pdf"'
    assert item.proposal in _text(b"".join(response.streaming_content))


def test_it_logs_the_download_as_a_print(client, item, member):
    client.force_login(member)

    _download(client, item)

    entry = AccessLogEntry.objects.get(user_id=member.pk)
    assert (entry.action, entry.outcome, entry.object_id, entry.child_id) == (
        LogAction.PRINT,
        Outcome.ALLOWED,
        str(item.case_id),
        item.case.child_id,
    )


def test_it_serves_the_stored_letter_without_rendering_it_again(client, item, member, renders):
    feedback_letter_render(item_id=item.pk)
    client.force_login(member)

    response = _download(client, item)

    assert response.status_code == 200
    assert len(renders) == 1


def test_it_renders_the_letter_on_download_when_the_task_has_not_yet(client, item, member, renders):
    client.force_login(member)

    response = _download(client, item)

    assert response.status_code == 200
    assert len(renders) == 1
    assert AgendaItem.objects.get(pk=item.pk).letter_digest


def test_it_lets_a_colleague_of_the_team_print_the_letter(client, item, colleague):
    client.force_login(colleague)

    assert _download(client, item).status_code == 200


def test_it_hides_the_letter_from_an_outsider(client, item, outsider, renders):
    client.force_login(outsider)

    response = _download(client, item)

    assert response.status_code == 404
    assert renders == []
    entry = AccessLogEntry.objects.get(user_id=outsider.pk)
    assert (entry.action, entry.outcome) == (LogAction.PRINT, Outcome.DENIED)


def test_it_has_no_letter_before_the_minutes_are_closed(client, item, member):
    AgendaItem.objects.filter(pk=item.pk).update(deadline=None)
    client.force_login(member)

    assert _download(client, item).status_code == 404


def test_it_keeps_the_letter_date_when_rendered_on_another_day(item):
    context = meetings_pdf.feedback_letter_context(AgendaItem.objects.get(pk=item.pk))

    assert context["letter_date"] == meetings_pdf._swedish_date(timezone.localtime(item.meeting.closed_at).date())
