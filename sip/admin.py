"""Administration of the SIP's legal reference.

Administrators keep the legal reference printed on SIP documents up to date (the SIP paragraph of
the new Socialtjänstlag 2025:400 is not verified yet). The plans themselves are not shown here:
they name children, and the portal is the only way to them.
"""

from django.contrib import admin

from sip.models import LegalReference


@admin.register(LegalReference)
class LegalReferenceAdmin(admin.ModelAdmin):
    list_display = ["document", "text", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_delete_permission(self, request, obj=None):
        # Without a row the documents would print no legal basis at all: correct it, never remove it.
        return False
