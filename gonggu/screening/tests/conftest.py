import datetime as dt

import pytest

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.screening.models import Warning
from gonggu.screening.write import warnings_write

from .factories import finding, household, table

AS_OF = dt.date(2025, 4, 1)


@pytest.fixture
def no_role_user(regions):
    return make_user("no_role_user", "", regions["county"])


@pytest.fixture
def village_team(regions):
    return make_user("village_team", Role.VILLAGE_TEAM, regions["village"])


@pytest.fixture
def warnings(regions):
    """One open warning in each of the clerk's village, its neighbour, the other township and the other county."""
    names = {"village": "赵东户", "village_b": "钱西户", "village_c": "孙南户", "other_village": "李外户"}
    homes = {key: household(regions[key], head_name=name) for key, name in names.items()}
    warnings_write(table(*[finding(h, grade="red", rule="SCHOOL-DROPOUT", risk_type="义务教育",
                                   id_number="410122201001011234",
                                   evidence={"source": "jy_student", "batch": 4, "batch_as_of": "2025-03-01",
                                             "row": 12, "status": "辍学", "id_number": "410122201001011234"})
                           for h in homes.values()]), as_of=AS_OF)
    return {key: Warning.objects.get(household=h) for key, h in homes.items()}
