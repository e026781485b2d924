"""Migration 0004: measures name their 责任部门 by the one department list's codes; the Chinese labels they
stored before (and their change history) are mapped, and a label typed today is taken as its code."""

import datetime as dt

import pytest

from gonggu.core.departments import Department
from gonggu.core.tests.migrating import migrate_to

from ..models import Measure
from .factories import CaseFactory, household, measure

BEFORE = [("monitoring", "0003_relative_file_paths")]


@pytest.mark.django_db(transaction=True)
def test_old_department_labels_become_codes_in_measures_and_their_history(regions):
    case = CaseFactory(household=household(regions["village"]))
    ids = [measure(case, "就业帮扶", dt.date(2025, 2, 1)).pk for _ in range(3)]
    try:
        old = migrate_to(BEFORE)
        for pk, label in zip(ids, ("人社", "乡村振兴", ""), strict=True):
            old.get_model("monitoring", "Measure").objects.filter(pk=pk).update(department=label)
            old.get_model("monitoring", "HistoricalMeasure").objects.filter(id=pk).update(department=label)
        migrate_to()
        assert [Measure.objects.get(pk=pk).department for pk in ids] == ["rs", "xczx", ""]
        assert set(Measure.history.filter(id=ids[0]).values_list("department", flat=True)) == {"rs"}
        assert Measure.objects.get(pk=ids[1]).get_department_display() == "乡村振兴"
    finally:
        migrate_to()


def test_a_department_is_found_by_its_code_or_its_label():
    assert Department.of("医保") == Department.of("yb") == "yb"
    assert Department.of(" 乡镇 ") == "xz"
    assert Department.of("") == Department.of("气象") == ""
