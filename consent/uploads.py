"""Checks on an uploaded signed consent form: its type by content, never by name, and its size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

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
            return content_type
    raise ValidationError(_("The file must be a PDF, JPEG or PNG (a scan or photo of the signed form)."), code="type")
