"""Render a template to PDF with WeasyPrint: tagged and accessible (PDF/UA-1) and archivable (PDF/A-2).

The accessibility law (2018:1937) covers the documents a public service hands out, and the consent
forms, letters and plans are kept in the case files for years, so every document is both. WeasyPrint
70 writes one `pdf_variant`; "pdf/a-2a" is the one that gives both: PDF/A-2 level A is PDF/A-2 with
the tagged structure, document language and Unicode text that accessibility needs (the same tags
WeasyPrint's "pdf/ua-1" writes), plus the sRGB output intent and file identifier an archive needs.
WeasyPrint then declares only PDF/A, so a finisher adds the PDF/UA-1 identifier (pdfuaid:part) to
the XMP metadata, with the extension schema PDF/A-2 asks for any schema it does not predefine.

The document's title (XMP dc:title, shown by the reader instead of the file name) is what the
builder passes; its language comes from `<html lang="sv">` in pdf/document_base.html.

WeasyPrint takes most of a second to import and about 0.12 s per page once warm, so it is imported
on first use and stays loaded in the long-lived web or worker process that used it.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

PDF_VARIANT = "pdf/a-2a"
PDF_UA_PART = 1

# Written into the metadata's rdf:RDF beside WeasyPrint's own descriptions (pdfaid, dc:title).
_PDF_UA_IDENTIFICATION = f"""<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the document conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="{PDF_UA_PART}"/>
""".encode()


def _declare_pdf_ua(document, pdf) -> None:
    """WeasyPrint's finisher hook: add the PDF/UA identification to the XMP stream it wrote."""
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    xmp = b"".join(metadata.stream)
    end = xmp.rindex(b"</rdf:RDF>")
    metadata.stream = [xmp[:end] + _PDF_UA_IDENTIFICATION + xmp[end:]]


def document_html(template_name: str, context: dict, *, title: str) -> str:
    """The HTML WeasyPrint prints, always in Swedish: the documents go to Swedish families and files.
    The template extends pdf/document_base.html, which makes `title` the document's `<title>`."""
    with translation.override("sv"):
        return render_to_string(template_name, {**context, "document_title": title})


def render_pdf(template_name: str, context: dict, *, title: str) -> bytes:
    """`document_html` as an A4 PDF/A-2a declaring PDF/UA-1, titled `title`."""
    import weasyprint

    html = document_html(template_name, context, title=title)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant=PDF_VARIANT, finisher=_declare_pdf_ua
    )
