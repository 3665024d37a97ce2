"""Render a template to PDF with WeasyPrint.

WeasyPrint takes most of a second to import and about 0.12 s per page once warm, so it is imported
on first use and stays loaded in the long-lived web or worker process that used it.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template_name: str, context: dict) -> bytes:
    """A4 PDF of `template_name`, always in Swedish: the documents go to Swedish families and files."""
    import weasyprint

    with translation.override("sv"):
        html = render_to_string(template_name, context)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
