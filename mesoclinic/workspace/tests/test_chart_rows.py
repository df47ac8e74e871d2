"""The chart's entries written in Python (workspace/chart_records.py): addresses as
reverse() writes them, whatever the site's prefix."""

from __future__ import annotations

import uuid

from django.urls import reverse, set_script_prefix

from mesoclinic.workspace.chart_records import address_of


def test_a_record_address_is_the_one_reverse_gives_under_any_prefix():
    public_id = uuid.uuid4()
    try:
        for prefix in ("/", "/clinic/"):
            # given the site served at ``prefix``
            set_script_prefix(prefix)
            # when the chart writes a record's address
            address = address_of("safety:edit")(public_id)
            # then it is reverse()'s, prefix included
            assert address == reverse("safety:edit", args=[public_id])
            assert address.startswith(prefix)
    finally:
        set_script_prefix("/")
