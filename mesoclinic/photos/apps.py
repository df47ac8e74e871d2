"""Clinical photography: the standard photo series of a visit, and before/after comparison."""

from __future__ import annotations

from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "mesoclinic.photos"
    label = "photos"
    verbose_name = "Clinical photos"
