"""Checks on an uploaded signed consent form: its type by content, never by name, and its size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from consent.pdf_content import UnreadablePdf, has_active_content

# The first bytes of each accepted type. A file called .pdf that is not a PDF is refused.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]


def sniff_document(upload) -> str:
    """The content type of `upload` (PDF, JPEG or PNG), or a ValidationError saying what is wrong."""
    limit = settings.HLT_UPLOAD_MAX_MB * 1024 * 1024
    if upload.size > limit:
        # Numbers in the active language's format: Swedish writes "12,5 MB", not "12.5 MB".
        size = number_format(upload.size / 1024 / 1024, 1)
        raise ValidationError(
            _("The file is too large (%(size)s MB). The largest allowed is %(max)s MB.")
            % {"size": size, "max": number_format(settings.HLT_UPLOAD_MAX_MB)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            if content_type == "application/pdf":
                _refuse_active_pdf(upload)
            return content_type
    raise ValidationError(_("The file must be a PDF, JPEG or PNG (a scan or photo of the signed form)."), code="type")


def _refuse_active_pdf(upload) -> None:
    """A scan that runs script, launches a program or carries other files is refused, and so is
    one that is locked, since what it holds cannot be checked."""
    data = upload.read()
    upload.seek(0)
    try:
        active = has_active_content(data)
    except UnreadablePdf:
        raise ValidationError(
            _(
                "The PDF is locked or too complex to check. "
                "Scan the signed form again and upload it without a password."
            ),
            code="unreadable",
        ) from None
    if active:
        raise ValidationError(
            _(
                "The PDF contains JavaScript, an action that starts a program, or attached files, "
                "and is not accepted. Upload a plain scan or photo of the signed form."
            ),
            code="active_content",
        )
