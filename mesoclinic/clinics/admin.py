"""Django admin for clinics and memberships (superusers only; clinic admins use the app)."""

from __future__ import annotations

from django.contrib import admin

from mesoclinic.clinics.models import Clinic, Membership, PractitionerProfile

admin.site.register(Clinic)
admin.site.register(Membership)
admin.site.register(PractitionerProfile)
