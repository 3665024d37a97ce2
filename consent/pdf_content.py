"""Whether an uploaded PDF carries active content: JavaScript, launch actions or embedded files.

A signed consent form is a scan; nothing in it should run or unpack when a colleague opens it,
so such a PDF is refused. pypdf reads the file, including compressed object streams, and every
object reachable from the trailer is walked. A file pypdf cannot parse is searched byte by byte
for the same names instead, so a damaged but harmless scan is still accepted.
"""

import io

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Names that only active content uses: actions that run script or launch a program, and files
# carried inside the PDF (as a name tree, a file specification or an attachment annotation).
ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/Launch", "/RichMedia"}
ACTIVE_VALUES = {"/JavaScript", "/Launch", "/EmbeddedFile", "/FileAttachment", "/RichMedia", "/ImportData"}
RAW_MARKERS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/FileAttachment")
# A scan has a few hundred objects; a file with far more is not walked to the end but refused.
MAX_OBJECTS = 200_000


class UnreadablePdf(Exception):
    """The PDF is encrypted or too large to inspect."""


def has_active_content(data: bytes) -> bool:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePdf
        return _walk(reader.trailer)
    except UnreadablePdf:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        return any(marker in data for marker in RAW_MARKERS)


def _walk(root) -> bool:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            reference = (node.idnum, node.generation)
            if reference in seen:
                continue
            seen.add(reference)
            if len(seen) > MAX_OBJECTS:
                raise UnreadablePdf
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in ACTIVE_KEYS or (isinstance(value, NameObject) and value in ACTIVE_VALUES):
                    return True
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False
