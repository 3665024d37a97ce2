"""Every generated PDF is accessible (tagged, PDF/UA-1) and archivable (PDF/A-2), read back with pypdf as
an archivist's or a screen reader's software reads it: the structure tree, the document language, the
title the reader shows, and the XMP identification of both standards."""

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest
from django.conf import settings

from consent.pdf import consent_form_pdf
from meetings.pdf import feedback_letter_context, feedback_letter_pdf
from sip.pdf import sip_document_pdf, sip_invitation_pdf
from tests.feedback_helpers import discussed_item
from tests.sip_helpers import complete_draft, sip_consent

pytestmark = pytest.mark.django_db

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFA_ID = "http://www.aiim.org/pdfa/ns/id/"
PDFUA_ID = "http://www.aiim.org/pdfua/ns/id/"

TITLES = {
    "consent form": "Samtycke till samverkan inom HLT",
    "SIP": "Samordnad individuell plan (SIP)",
    "SIP invitation": "Kallelse till SIP-möte",
    "feedback letter": "Återkoppling från HLT-teamet",
}


def _consent_form(case, member, units):
    return consent_form_pdf(case=case, guardian=case.adults.get(first_name="Anna"), show_address=True)


def _sip(case, member, units):
    sip_consent(case, actor=member)
    return sip_document_pdf(case=case, sip=complete_draft(case, actor=member, units=units))


def _sip_invitation(case, member, units):
    sip_consent(case, actor=member)
    return sip_invitation_pdf(case=case, sip=complete_draft(case, actor=member, units=units))


def _feedback_letter(case, member, units):
    item = discussed_item(case, contact=member, proposal="Vi föreslår samtal med skolkuratorn.")
    return feedback_letter_pdf(feedback_letter_context(item))


BUILDERS = {
    "consent form": _consent_form,
    "SIP": _sip,
    "SIP invitation": _sip_invitation,
    "feedback letter": _feedback_letter,
}


@pytest.fixture(params=list(BUILDERS))
def document(request, case, member, units):
    """(name, the PDF read back) for each document the portal generates."""
    pdf = BUILDERS[request.param](case, member, units)
    return request.param, pypdf.PdfReader(io.BytesIO(pdf))


def _catalog(reader) -> pypdf.generic.DictionaryObject:
    return reader.trailer["/Root"]


def _xmp(reader) -> ET.Element:
    return ET.fromstring(_catalog(reader)["/Metadata"].get_object().get_data())  # noqa: S314 - our own XMP


def _xmp_values(reader, namespace: str, name: str) -> list[str]:
    """A property of the XMP metadata, written as an attribute of an rdf:Description or as an element."""
    root = _xmp(reader)
    key = f"{{{namespace}}}{name}"
    attributes = [d.attrib[key] for d in root.iter(f"{{{RDF}}}Description") if key in d.attrib]
    return attributes + [element.text for element in root.iter(key)]


def _structure_types(node, found: set[str]) -> set[str]:
    """The structure types (/Document, /H1, /P, ...) under a node of the structure tree."""
    node = node.get_object()
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            _structure_types(child, found)
    elif isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            _structure_types(node["/K"], found)
    return found


def test_it_is_tagged_with_a_structure_tree_of_headings_and_paragraphs(document):
    name, reader = document
    catalog = _catalog(reader)

    assert "/StructTreeRoot" in catalog, name
    assert catalog["/MarkInfo"]["/Marked"].value is True, name
    types = _structure_types(catalog["/StructTreeRoot"]["/K"], set())
    assert {"/Document", "/H1", "/P"} <= types, (name, types)


def test_it_says_it_is_in_swedish(document):
    name, reader = document

    assert _catalog(reader)["/Lang"] == "sv", name


def test_the_reader_shows_its_title_rather_than_the_file_name(document):
    name, reader = document

    assert reader.xmp_metadata.dc_title == {"x-default": TITLES[name]}, name
    assert reader.metadata.title == TITLES[name], name
    assert _catalog(reader)["/ViewerPreferences"]["/DisplayDocTitle"].value is True, name


def test_it_declares_pdf_a_2_level_a_and_pdf_ua_1(document):
    name, reader = document

    assert _xmp_values(reader, PDFA_ID, "part") == ["2"], name
    assert _xmp_values(reader, PDFA_ID, "conformance") == ["A"], name
    assert _xmp_values(reader, PDFUA_ID, "part") == ["1"], name


def test_it_carries_what_pdf_a_needs_to_be_read_in_decades(document):
    name, reader = document
    catalog = _catalog(reader)

    # The colour profile the page colours mean, and the file identifier.
    assert [intent["/S"] for intent in catalog["/OutputIntents"]] == ["/GTS_PDFA1"], name
    assert "/ID" in reader.trailer, name
    # PDF/A-2 accepts pdfuaid only with its schema described in the file.
    schemas = "".join(_xmp(reader).itertext())
    assert "http://www.aiim.org/pdfua/ns/id/" in schemas and "pdfuaid" in schemas, name
    # Every font is embedded.
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor") or font["/DescendantFonts"][0]["/FontDescriptor"]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), name


def test_its_text_can_still_be_read_out(document):
    name, reader = document

    assert TITLES[name].split(" (")[0] in " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_every_pdf_template_is_a_swedish_document_with_a_title_and_no_image_without_alt():
    templates = Path(settings.BASE_DIR, "templates")
    documents = sorted(templates.glob("*/*_pdf.html"))
    base = (templates / "pdf" / "document_base.html").read_text()

    assert len(documents) >= len(BUILDERS)
    assert '<html lang="sv">' in base and "<title>{{ document_title }}</title>" in base
    for path in documents:
        source = path.read_text()
        assert re.match(r'\{% extends "pdf/(document|letter)_base.html" %\}', source), path.name
    for path in [*documents, *templates.glob("pdf/*.html")]:
        images = re.findall(r"<img\b[^>]*>", path.read_text())
        assert all(re.search(r'\balt="[^"]+"', image) for image in images), path.name
