"""Name similarity for the duplicate check: the same person written differently is found, and
different people born the same day are not flagged."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.patients.name_match import edit_distance, normalise, similar_names

# (given, family) as first registered, (given, family) as typed again: the same person.
SAME_PERSON = [
    (("Maria", "Lopez"), ("maria", "LOPEZ")),  # case
    (("  Maria ", " Lopez  "), ("Maria", "Lopez")),  # stray spaces
    (("María", "López"), ("Maria", "Lopez")),  # accents
    (("Zoë", "Ångström"), ("Zoe", "Angstrom")),
    (("Søren", "Kierkegaard"), ("Soren", "Kierkegaard")),  # letters without a decomposition
    (("Jürgen", "Müller"), ("Juergen", "Mueller")),  # ü written ue: one edit
    (("Maria", "Lopez-Garcia"), ("Maria", "Lopez Garcia")),  # hyphen or space
    (("Maria", "Lopez-Garcia"), ("Maria", "LopezGarcia")),  # or nothing
    (("Siobhan", "O'Brien"), ("Siobhan", "OBrien")),  # apostrophe
    (("Jean-Luc", "Picard"), ("Jean Luc", "Picard")),
    (("Maria", "Lopez"), ("Lopez", "Maria")),  # given and family swapped
    (("Nguyen Van", "Anh"), ("Anh", "Nguyen Van")),
    (("Mary Ann", "Smith"), ("Mary", "Ann Smith")),  # a word typed into the other field
    (("Maryann", "Smith"), ("Mary Ann", "Smith")),
    (("Maria", "Garcia"), ("Maria", "Garcia Lopez")),  # second surname left out
    (("Anna", "de la Cruz"), ("Anna", "Cruz")),  # particles left out
    (("Jean-Luc", "Picard"), ("Jean", "Picard")),  # middle name left out
    (("M.", "Lopez"), ("Maria", "Lopez")),  # an initial
    (("Mraia", "Lopez"), ("Maria", "Lopez")),  # two letters swapped: one edit
    (("Sarah", "Connor"), ("Sara", "Conner")),  # one typo in each name
    (("Jonathan", "Smyth"), ("Johnathan", "Smith")),
    (("Alexandra", "Konstantinopoulos"), ("Aleksandra", "Konstantinopulos")),  # two in long names
]

# Different people who could well share a birth date (twins, siblings, namesakes).
DIFFERENT_PEOPLE = [
    (("Anna", "Schmidt"), ("Paul", "Schmidt")),  # twins
    (("Anna", "Lopez"), ("Maria", "Lopez")),
    (("Maria", "Lopez"), ("Mark", "Lopez")),
    (("Ava", "Smith"), ("Ana", "Smith")),  # short names must match exactly
    (("Tom", "Li"), ("Tim", "Li")),
    (("Jean", "Picard"), ("Jacques", "Picard")),
    (("Maria", "Lopez"), ("Jane", "Doe")),  # nothing in common
    (("John", "Smith"), ("John", "Smithson")),  # a longer, different surname
    (("Peter", "Jones"), ("Peter", "James")),  # two edits in a short surname
    (("Maria", "de Souza"), ("Maria", "de Lima")),  # only the particle in common
    (("Li", "Wang"), ("Li", "Zhang")),
    (("Maria Jose", "Lopez"), ("Maria Luisa", "Lopez")),
]


@pytest.mark.parametrize(("first", "again"), SAME_PERSON)
def test_it_finds_the_same_person_written_differently(first, again):
    # given a name as registered and the same person's name as typed again
    # when they are compared, either way round
    # then they are similar
    assert similar_names(*first, *again)
    assert similar_names(*again, *first)


@pytest.mark.parametrize(("one", "other"), DIFFERENT_PEOPLE)
def test_it_keeps_different_people_apart(one, other):
    # given two different people's names
    # when they are compared
    # then they are not similar
    assert not similar_names(*one, *other)
    assert not similar_names(*other, *one)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("  José-María  O'Neill ", "jose maria o neill"),
        ("STRAßE", "strasse"),
        ("Łukasz Ødegaard", "lukasz odegaard"),
        ("Anne\u00a0Marie", "anne marie"),  # a no-break space
        ("", ""),
    ],
)
def test_it_folds_case_accents_and_separators(text, folded):
    assert normalise(text) == folded


def test_it_never_calls_an_empty_name_similar():
    # given a patient with no names at all (an imported registry row)
    # when compared with anyone, even another nameless patient
    # then nothing is similar
    assert not similar_names("", "", "Maria", "Lopez")
    assert not similar_names("", "", "", "")


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("maria", "maria", 0), ("maria", "mraia", 1), ("maria", "mario", 1), ("abc", "xyz", 3)],
)
def test_it_counts_edits_with_neighbour_swaps_as_one(a, b, distance):
    assert edit_distance(a, b, limit=5) == distance


def test_it_caps_the_edit_distance_at_the_limit():
    assert edit_distance("konstantinopoulos", "smith", limit=2) == 3


names = st.text(alphabet=st.characters(categories=("L", "Zs", "Pd")), max_size=20)


@settings(max_examples=300, deadline=None)
@given(names, names, names, names)
def test_it_gives_the_same_answer_either_way_round(ga, fa, gb, fb):
    assert similar_names(ga, fa, gb, fb) == similar_names(gb, fb, ga, fa)


@settings(max_examples=300, deadline=None)
@given(names, names)
def test_it_finds_a_name_similar_to_itself_in_any_case(given_name, family_name):
    # given any name with at least one letter
    if not normalise(given_name + family_name):
        return
    # then it is similar to itself, upper-cased, and swapped
    assert similar_names(given_name, family_name, given_name.upper(), family_name.upper())
    assert similar_names(given_name, family_name, family_name, given_name)
