"""Django admin for clinics and memberships (superusers only; clinic admins use the app).

No model that holds patient data is in the Django admin: its pages are not clinic-scoped,
role-filtered or audited, and the app's pages are (docs/audit.md). The test
``audit/tests/test_admin.py`` fails if one is registered.
"""

from __future__ import annotations

from django.contrib import admin

from mesoclinic.clinics.models import Clinic, Membership, PractitionerProfile

# Clinical records are never deleted in bulk: the admin's "delete selected" is a
# QuerySet.delete(), which would bypass the signed-record guard in SignableRecord.delete().
admin.site.disable_action("delete_selected")

admin.site.register(Clinic)
admin.site.register(Membership)
admin.site.register(PractitionerProfile)
