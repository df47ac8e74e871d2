"""The layout's parts kept per process (clinics.navigation): the same markup and addresses as
rendering and reversing them on every page, for each role and language."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from django.test import RequestFactory, override_settings
from django.urls import reverse, set_script_prefix
from django.utils import translation

from mesoclinic.clinics import navigation
from mesoclinic.clinics.context_processors import membership as membership_context
from mesoclinic.clinics.language import set_language
from mesoclinic.clinics.models import Membership

pytestmark = pytest.mark.django_db


def _page_context(member: Membership) -> dict[str, Any]:
    request = RequestFactory().get("/")
    request.user = member.user
    request.membership = member  # type: ignore[attr-defined]
    return membership_context(request)


@pytest.mark.parametrize("role", ["alice", "nina", "bob", "ada", "rita"])
@pytest.mark.parametrize("language", ["en-gb", "fr", "it", "es"])
def test_it_gives_each_role_the_navigation_the_whole_page_context_renders(request, role, language):
    # given a member of each role, and the navigation rendered with a page's whole context
    member = request.getfixturevalue(role)
    context = _page_context(member)
    with translation.override(language):
        expected = get_template(navigation.NAV_TEMPLATE).render(context)
        # when the layout asks for it twice (the second answer is the kept one)
        first = navigation.main_nav(context["can"], context["nav_apps"])
        kept = navigation.main_nav(context["can"], context["nav_apps"])
    # then both are what the page rendered before, with no other page's links
    assert first == kept == expected
    assert expected.startswith("<nav ")


def test_it_keeps_one_navigation_per_language_and_role(alice, bob):
    # given the navigation was kept for alice in English
    alice_context, bob_context = _page_context(alice), _page_context(bob)
    with translation.override("en-gb"):
        english = navigation.main_nav(alice_context["can"], alice_context["nav_apps"])
        # when bob (reception, no clinical links) asks in English, and alice in French
        reception = navigation.main_nav(bob_context["can"], bob_context["nav_apps"])
    with translation.override("fr"):
        french = navigation.main_nav(alice_context["can"], alice_context["nav_apps"])
    # then each gets their own
    assert "Aftercare" in english
    assert "Aftercare" not in reception
    assert french != english
    assert 'href="/aftercare/' in french


def test_it_shows_the_navigation_of_the_member_on_their_page(login, bob, alice):
    # given bob and alice have opened a page each (the navigation is kept after the first)
    login(alice).get(reverse("today"))
    # when bob, reception, opens one in French
    set_language(bob.user, "fr")
    page = login(bob).get(reverse("today")).content.decode()
    # then his page has his role's links in his language, not alice's
    assert reverse("aftercare:worklist") not in page
    assert f'href="{reverse("patients:list")}"' in page
    assert 'lang="fr"' in page


def test_it_reverses_a_fixed_address_under_the_request_script_prefix():
    # given the site served under /clinic/ after being served at the root
    at_root = navigation.fixed_url("today")
    set_script_prefix("/clinic/")
    try:
        # when the address is asked again
        under_prefix = navigation.fixed_url("today")
        reversed_there = reverse("today")
    finally:
        set_script_prefix("/")
    # then it is reversed for the prefix, as reverse() does
    assert at_root == "/"
    assert under_prefix == reversed_there == "/clinic/"


def test_it_forgets_the_kept_answers_when_a_setting_changes(alice):
    # given an address and a navigation kept
    navigation.fixed_url("today")
    context = _page_context(alice)
    navigation.main_nav(context["can"], context["nav_apps"])
    # when a setting changes (as a test's override does)
    with override_settings(LANGUAGE_CODE="fr"):
        # then nothing kept is used under it
        assert not navigation._urls
        assert not navigation._navs


@override_settings(DEBUG=True)
def test_it_keeps_no_navigation_with_debug_on_where_templates_are_edited_live(alice):
    # given DEBUG on (the development server reloads edited templates)
    context = _page_context(alice)
    # when the navigation is asked for
    navigation.main_nav(context["can"], context["nav_apps"])
    # then none is kept
    assert not navigation._navs


def test_it_gives_a_static_file_the_address_the_static_tag_gives():
    # given the layout's stylesheet, addressed by Django's {% static %}
    expected = Template("{% load static %}{% static 'mesoclinic/app.css' %}").render(Context())
    # when the layout's own tag is asked for it twice (the second answer is the kept one)
    template = Template("{% load navigation %}{% fixed_static 'mesoclinic/app.css' %}")
    first, kept = template.render(Context()), template.render(Context())
    # then both are the same address
    assert first == kept == expected
    assert expected.endswith("mesoclinic/app.css")
