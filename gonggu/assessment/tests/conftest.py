"""A tiny hand-made county for the self-evaluation and brief tests (numbers worked out in the comments)."""

import datetime as dt

import pytest

from .factories import household, income, person

TODAY = dt.date(2025, 11, 3)


@pytest.fixture
def county_data(regions):
    """东村: H1 (脱贫户, a dropout child, nobody works, one uninsured), H2 (脱贫户, relocated, works, one unknown);
    西村: H3 (监测户, nobody works), H4 (一般农户, not counted); 南村: H5 (脱贫户, relocated, nobody works, low income);
    北村: nobody.

    Insurance of key persons: 东村 3/5, 西村 2/2, 南村 1/1 → county 6/8 = 75%.
    Children 6–15: H1's (辍学) and H3's (初中) → 1 dropout.  Zero-employment: H1, H3, H5.  Relocated: H2 works,
    H5 does not → 50%.  Incomes (per capita 2023 → 2024): H1 10000 → 11000, H2 12000 → 10000 (fall),
    H5 — → 8000 (below 10000).  Growth over H1+H2: 53000/5 ÷ 54000/5 − 1 = −1.85%.
    """
    v1, v2, v3 = regions["village"], regions["village_b"], regions["village_c"]
    h1 = household(v1, no="H1", head="张一")
    person(h1, born=dt.date(1980, 5, 1), insured=True, name="张一")
    person(h1, born=dt.date(1982, 6, 1), relation="配偶", insured=False, gender="F", name="李一")
    person(h1, born=dt.date(2015, 3, 1), relation="子", labour="无劳动力", school="辍学", insured=True, name="张小")
    income(h1, 2023, wage=22000, business=6000, expense=1000, transfer=3000, size=3)
    income(h1, 2024, wage=25000, business=6000, expense=1000, transfer=3000, size=3)
    h2 = household(v1, no="H2", relocated=True, head="王二")
    person(h2, born=dt.date(1975, 1, 1), work_months=8, insured=True, name="王二")
    person(h2, born=dt.date(1945, 1, 1), relation="母亲", labour="无劳动力", insured=None, gender="F", name="赵二")
    income(h2, 2023, wage=18000, business=4000, expense=1000, transfer=3000, size=2)
    income(h2, 2024, wage=14000, business=4000, expense=1000, transfer=3000, size=2)
    h3 = household(v2, no="H3", type="监测户", monitoring_type="边缘易致贫户", head="刘三")
    person(h3, born=dt.date(1970, 1, 1), insured=True, name="刘三")
    person(h3, born=dt.date(2013, 9, 1), relation="女", labour="无劳动力", school="初中", insured=True, gender="F",
           name="刘小")
    h4 = household(v2, no="H4", type="一般农户", head="陈四")
    person(h4, born=dt.date(1960, 1, 1), insured=False, name="陈四")
    h5 = household(v3, no="H5", relocated=True, head="孙五")
    person(h5, born=dt.date(1985, 1, 1), labour="技能劳动力", insured=True, name="孙五")
    income(h5, 2024, wage=0, business=0, expense=0, transfer=8000, size=1)
    return {"H1": h1, "H2": h2, "H3": h3, "H4": h4, "H5": h5}


@pytest.fixture(autouse=True)
def shipped_indicators(request):
    """The 2025 system comes from a data migration; a transactional test elsewhere may have flushed it."""
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    request.getfixturevalue("db" if not _transactional(request) else "transactional_db")
    from gonggu.assessment.loader import SHIPPED, load_system, read_system_file
    from gonggu.assessment.models import IndicatorSystem

    if not IndicatorSystem.objects.filter(year=2025, region_code="").exists():
        load_system(read_system_file(SHIPPED))
    yield


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
