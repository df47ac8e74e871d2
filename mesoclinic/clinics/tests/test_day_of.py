"""A moment's date is the clinic's: the day a session, consent or check-in falls on is read in
the clinic's zone, never the server's or the signed-in user's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mesoclinic.clinics.models import Clinic

UTC = dt.UTC


@pytest.mark.parametrize(
    ("moment", "time_zone", "day"),
    [
        # half an hour before midnight UTC: already the next day in Kiritimati (UTC+14)
        (dt.datetime(2026, 1, 15, 23, 30, tzinfo=UTC), "Pacific/Kiritimati", dt.date(2026, 1, 16)),
        (dt.datetime(2026, 1, 15, 23, 30, tzinfo=UTC), "America/Los_Angeles", dt.date(2026, 1, 15)),
        (dt.datetime(2026, 1, 15, 23, 30, tzinfo=UTC), "Europe/London", dt.date(2026, 1, 15)),
        # half an hour after midnight UTC: still the previous day in Los Angeles (UTC-8)
        (dt.datetime(2026, 1, 16, 0, 30, tzinfo=UTC), "America/Los_Angeles", dt.date(2026, 1, 15)),
        (dt.datetime(2026, 1, 16, 0, 30, tzinfo=UTC), "Pacific/Kiritimati", dt.date(2026, 1, 16)),
        (dt.datetime(2026, 1, 16, 0, 30, tzinfo=UTC), "Europe/London", dt.date(2026, 1, 16)),
        # summer time: 06:59 UTC is 23:59 the day before in Los Angeles (UTC-7), 07:00 is not
        (dt.datetime(2026, 7, 1, 6, 59, tzinfo=UTC), "America/Los_Angeles", dt.date(2026, 6, 30)),
        (dt.datetime(2026, 7, 1, 7, 0, tzinfo=UTC), "America/Los_Angeles", dt.date(2026, 7, 1)),
        # 09:59 UTC is 23:59 in Kiritimati; 10:00 UTC is the next day's midnight there
        (dt.datetime(2026, 7, 1, 9, 59, tzinfo=UTC), "Pacific/Kiritimati", dt.date(2026, 7, 1)),
        (dt.datetime(2026, 7, 1, 10, 0, tzinfo=UTC), "Pacific/Kiritimati", dt.date(2026, 7, 2)),
    ],
)
def test_it_reads_a_moments_date_in_the_clinics_zone(moment, time_zone, day):
    # given a clinic in a far zone, while the request's active zone is another one
    clinic = Clinic(slug="far", name="Far", time_zone=time_zone)
    with timezone.override("Asia/Kolkata"):
        # when the date of a moment is asked
        # then it is the clinic's local date
        assert clinic.day_of(moment) == day


def test_it_refuses_a_moment_without_a_zone():
    # given a naive datetime (whose zone nobody knows)
    clinic = Clinic(slug="far", name="Far", time_zone="Pacific/Kiritimati")
    # when its date is asked, then it is refused rather than guessed
    with pytest.raises(ValueError, match="naive"):
        clinic.day_of(dt.datetime(2026, 1, 15, 23, 30))  # noqa: DTZ001
