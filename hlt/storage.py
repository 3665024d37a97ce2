"""Where uploaded documents live: outside the web root, served only through the access policy."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="hlt.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under HLT_PRIVATE_DIR, which no web server maps to a URL.

    The folder is read from the settings on every use (not frozen at import) so tests and
    deployments can point it elsewhere.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.HLT_PRIVATE_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Private files have no URL: a view serves them through the access policy.")


private_storage = PrivateStorage()
