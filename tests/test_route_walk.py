"""Every URL pattern is walked: a new view cannot escape the isolation, bad-input and audit
walks (tests/route_walk.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import include, path

from mesoclinic.urls import urlpatterns as project_urlpatterns
from tests.route_walk import routes, unwalkable


def _view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse()


# The project's routes, and those a new feature might add: one the walk fills with every
# record id, and four it cannot fill.
urlpatterns = [
    *project_urlpatterns,
    path("new/<uuid:public_id>/<slug:colour>/", _view, name="new_with_a_slug"),
    path("new/<uuid:public_id>/<uuid:other_id>/", _view, name="new_with_two_ids"),
    path("new/unnamed/", _view),
    path("new/<uuid:public_id>/", _view, name="new_record"),
    path("new/", include(([path("<int:number>/", _view, name="numbered")], "newapp"))),
]


def test_it_can_walk_every_url_pattern_of_the_project():
    # given the project's URL conf
    # when the walk looks for patterns it cannot fill
    problems = unwalkable()
    # then there are none, and it walks the routes that take a record, a slug, or nothing
    assert problems == []
    walked = {r.name for r in routes()}
    assert {"patients:list", "patient_chart", "evidence:indication"} <= walked
    assert "treatments:line_correct" in walked


@override_settings(ROOT_URLCONF=__name__)
def test_it_names_a_new_pattern_the_walk_cannot_fill():
    # given a URL conf with new routes the walk knows no values for, and one without a name
    # when the walk looks for patterns it cannot fill
    problems = unwalkable()
    # then it names each of them, saying what to add
    assert problems == [
        "new/unnamed/: has no name, so no walk can reverse it",
        "new_with_a_slug: say in SLUGS which values of ['colour'] to walk",
        "new_with_two_ids: say in PAIRS which ids of ('public_id', 'other_id') go together",
        "newapp:numbered: say in SLUGS which values of ['number'] to walk",
    ]
    # and a new route that takes one record's id needs nothing: it is walked with every id
    assert ("new_record", ("public_id",)) in {(r.name, r.ids) for r in routes()}
