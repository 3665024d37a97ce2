"""The feedback letter (återkopplingsbrev) to the guardians after an HLT meeting.

A plain-Swedish A4 letter: what the team proposes, what the family is offered, the agreed actions
meant for the family, and the contact person. Never the summary (the team's internal minutes) nor
an action marked as not for the guardians. For a protected child or guardian no address is printed
and the letter is marked for handing over in person.

The letter is rendered by a task queued when the minutes close, and stored with a digest of what
it says: rendering again stores a new file only when the content changed, so running the task
twice, or concurrently, renders it once.
"""

import hashlib
import json
import os
import tempfile
import uuid

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from hlt.pdf import render_pdf
from hlt.storage import private_storage
from meetings.models import AgendaItem
from teams.selectors import membership_of

TEMPLATE = "meetings/letter_pdf.html"
# Part of the digest: raise it when the template changes what a letter says, so letters re-render.
LETTER_VERSION = 2


def _letter_items():
    """An item with everything its letter shows, in three queries."""
    return AgendaItem.objects.select_related(
        "meeting__team__area__municipality", "case__child", "contact_person"
    ).prefetch_related("actions__intervention_type", "actions__responsible_unit", "case__adults")


def _swedish_date(day) -> str:
    with translation.override("sv"):
        return date_format(day, "j F Y")


def feedback_letter_context(item: AgendaItem) -> dict:
    """What the letter says, as plain values (so a digest of them tells whether it changed).

    Leaves out the item's summary and every action with `for_family` false. A protected child or
    guardian means no address at all and the hand-over marking.
    """
    meeting, case = item.meeting, item.case
    child = case.child
    guardians = [adult for adult in case.adults.all() if adult.is_guardian]
    hand_over = child.is_protected or any(guardian.is_protected for guardian in guardians)
    contact = item.contact_person
    membership = membership_of(contact, meeting.team_id) if contact is not None else None
    offers = []
    if item.offer_joint_meeting:
        offers.append("Ett gemensamt möte med er och de verksamheter som berörs")
    if item.offer_sip:
        offers.append("En samordnad individuell plan (SIP)")
    if item.offer_other:
        offers.append(item.offer_other)
    meeting_day = timezone.localtime(meeting.starts_at).date()
    letter_day = timezone.localtime(meeting.closed_at).date() if meeting.closed_at else meeting_day
    return {
        "version": LETTER_VERSION,
        "reference": case.reference,
        "team": meeting.team.name,
        "area": meeting.team.area.name,
        "municipality": meeting.team.area.municipality.name,
        "meeting_date": _swedish_date(meeting_day),
        "letter_date": _swedish_date(letter_day),
        "child": child.full_name,
        "proposal": item.proposal.strip(),
        "offers": offers,
        "actions": [
            {
                "type": action.intervention_type.name,
                "what": action.description,
                "unit": action.responsible_unit.name,
            }
            for action in item.actions.all()
            if action.for_family
        ],
        "contact": {
            "name": contact.full_name if contact else "",
            "phone": contact.phone if contact else "",
            "email": contact.email if contact else "",
            "unit": membership.home_unit.name if membership else "",
        },
        "hand_over": hand_over,
        "guardians": [
            {"name": guardian.full_name, "address": [] if hand_over else guardian.address_lines}
            for guardian in guardians
        ],
    }


def feedback_letter_pdf(context: dict) -> bytes:
    """The letter that `feedback_letter_context(item)` describes, as an A4 PDF."""
    return render_pdf(TEMPLATE, context)


def feedback_letter_digest(context: dict) -> str:
    """A sha256 of the letter's content: the same letter gives the same digest."""
    return hashlib.sha256(json.dumps(context, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def feedback_letter_is_current(item: AgendaItem, digest: str) -> bool:
    """Whether the stored letter says what `digest` describes and its file is there."""
    return bool(item.letter) and item.letter_digest == digest and private_storage.exists(item.letter.name)


def _write(name: str, content: bytes) -> None:
    """Replace the file at `name` in one step, so a download never reads half a letter."""
    path = private_storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def feedback_letter_render(*, item_id: int) -> bool:
    """Render and store the item's feedback letter unless the stored one already says the same.

    Returns True when it rendered. The item row is locked while deciding and storing, so two
    workers (or a worker and a download) render one letter once. The file keeps the random name it
    got the first time (letters/<uuid4>.pdf); a changed letter replaces it.
    """
    with transaction.atomic():
        item = _letter_items().select_for_update(of=("self",)).get(pk=item_id)
        context = feedback_letter_context(item)
        digest = feedback_letter_digest(context)
        if feedback_letter_is_current(item, digest):
            return False
        pdf = feedback_letter_pdf(context)
        name = item.letter.name or f"letters/{uuid.uuid4()}.pdf"
        _write(name, pdf)
        AgendaItem.objects.filter(pk=item.pk).update(letter=name, letter_digest=digest)
    return True
