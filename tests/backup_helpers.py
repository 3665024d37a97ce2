"""What tests/portal/test_backup_restore.py runs inside the portal, in a `manage.py shell` of its own pointed at
the scratch database: a case seeded through the pages, and the same case served after the restore.

Each function prints one JSON line for the test to read. The pages are driven with Django's test client
as the initiator, so every request is written to the access log as in production.
"""

import hashlib
import json
import sys

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from access.models import AccessLogEntry
from accounts.models import User
from cases.models import Case
from consent.models import Consent
from consent.services import default_valid_until
from tests.factories import AdultFactory, CaseFactory, MembershipFactory, TeamFactory

INITIATOR = "initiator@hlt.example"
SCAN = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _report(**fields) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")


def _client() -> Client:
    client = Client()
    client.force_login(User.objects.get(email=INITIATOR))
    return client


def seed() -> None:
    """A case whose guardian's consent was recorded with a signed form, and the case page opened."""
    member = MembershipFactory(team=TeamFactory(name="HLT Ålidhem"), user__email=INITIATOR).user
    team = member.memberships.get().team
    case = CaseFactory(team=team, initiator=member, initiator_unit=member.memberships.get().home_unit)
    anna = AdultFactory(case=case, first_name="Anna", relation="mother")
    team.area.units.add(case.initiator_unit)
    today = timezone.localdate()
    client = _client()
    client.post(
        f"/arenden/{case.pk}/samtycke/nytt/",
        {
            "giver": str(anna.pk),
            "parties": [case.initiator_unit.pk],
            "categories": ["category_school"],
            "valid_from": today.isoformat(),
            "valid_until": default_valid_until(today).isoformat(),
            "method": "paper",
            "document": SimpleUploadedFile("Anna underskrift.pdf", SCAN, content_type="application/pdf"),
        },
    )
    consent = Consent.objects.get(case=case)
    assert consent.document, "the signed form was not stored"
    assert client.get(f"/arenden/{case.pk}/").status_code == 200
    _report(
        case=str(case.pk),
        reference=case.reference,
        child=case.child.first_name,
        consent=consent.pk,
        scan_sha256=hashlib.sha256(SCAN).hexdigest(),
        log=sorted(AccessLogEntry.objects.values_list("pk", flat=True)),
    )


def serve(case_id: str, consent_id: int) -> None:
    """The case page and its signed form as the initiator sees them, and the access log's row ids before."""
    log_before = sorted(AccessLogEntry.objects.values_list("pk", flat=True))
    case = Case.objects.get(pk=case_id)
    client = _client()
    page = client.get(f"/arenden/{case.pk}/")
    scan = client.get(f"/arenden/{case.pk}/samtycke/{consent_id}/dokument/")
    served = scan.status_code == 200
    _report(
        page_status=page.status_code,
        page=page.content.decode(),
        scan_status=scan.status_code,
        scan_sha256=hashlib.sha256(b"".join(scan.streaming_content)).hexdigest() if served else None,
        log_before=log_before,
        log_after=AccessLogEntry.objects.count(),
    )
