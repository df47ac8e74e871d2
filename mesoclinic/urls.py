"""Top-level URL map: each clinical app owns its URLs."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("mesoclinic.clinics.urls")),
    path("patients/", include("mesoclinic.patients.urls")),
    path("audit/", include("mesoclinic.audit.urls")),
    path("django-admin/", admin.site.urls),
]
