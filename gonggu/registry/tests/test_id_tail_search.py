"""Searching the household list by the last digits of an identity number: the last four (shown on every
masked number) for every reader, more for roles that may see the whole number."""

import pytest

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.registry.selectors import HouseholdFilters, household_page

pytestmark = pytest.mark.django_db


def _found(user, text: str):
    listing = household_page(user, HouseholdFilters(q=text), 1)
    return [h.pk for h in listing.page.object_list], listing.notes


def test_last_digits_find_the_household_for_those_allowed(regions, village_clerk):
    mine = HouseholdFactory(village=regions["village"])
    person = PersonFactory(household=mine, relation="配偶", gender="F")
    other_digit = "8" if person.id_number[-8] == "9" else "9"
    elsewhere = PersonFactory(household=HouseholdFactory(village=regions["other_village"]),
                              id_number=person.id_number[:-8] + other_digit + person.id_number[-7:])
    tail4, tail8 = person.id_number[-4:], person.id_number[-8:]
    assert elsewhere.id_number.endswith(tail4)

    assert _found(village_clerk, tail4)[0] == [mine.pk]            # in scope only
    assert _found(village_clerk, tail8)[0] == [mine.pk]            # the clerk may see whole numbers
    team = make_user("team", Role.VILLAGE_TEAM, regions["village"])
    assert _found(team, tail4)[0] == [mine.pk]
    rows, notes = _found(team, tail8)                               # more than a masked number shows
    assert rows == [] and "权限" in notes[0]
