"""Staff URLs of the aftercare app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.aftercare import views

app_name = "aftercare"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("check-ins/<uuid:public_id>/", views.check_in_detail, name="check_in"),
    path("check-ins/<uuid:public_id>/call/", views.log_call, name="call"),
    path("check-ins/<uuid:public_id>/revoke/", views.revoke, name="revoke"),
    path("check-ins/<uuid:public_id>/close/", views.close, name="close"),
    path("escalations/<uuid:public_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
    path("patients/<uuid:public_id>/", views.patient_follow_up, name="patient"),
]
