import datetime as dt

import pyarrow as pa
import pytest

from gonggu.rules.catalog import CATALOG, TableProvider
from gonggu.rules.services import param_set

D = dt.date(2025, 6, 30)


@pytest.fixture
def params_2024(db):
    """Enough parameters to check 2024 incomes and 2024 medical expenses: line 2024 = 7500 × 1.066 = 7995."""
    param_set(name="rural_income_growth", value="0.066", year=2023)
    param_set(name="disposable_income", value="20000", year=2023)


@pytest.fixture
def eliminated():
    """Plug a provider of `eliminated_households` (as the monitoring app does) naming the given households."""
    original = CATALOG.tables.get("eliminated_households")
    names: list[str] = []

    def build(*, prefix, as_of):
        from gonggu.registry.models import Household

        ids = dict(Household.objects.filter(household_no__in=names).values_list("household_no", "id"))
        return pa.table({"household_id": pa.array([ids.get(n) for n in names], type=pa.int64()),
                         "household_no": pa.array(names, type=pa.string())})

    CATALOG.tables["eliminated_households"] = TableProvider("eliminated_households", build, "test")
    yield names
    CATALOG.tables["eliminated_households"] = original


@pytest.fixture
def spark_available():
    """Spark needs PySpark and Java 17. On CI (CI=true) their absence is a failure, elsewhere a skip."""
    import importlib.util
    import os
    import shutil

    missing = [what for what, ok in (("PySpark", importlib.util.find_spec("pyspark") is not None),
                                     ("Java", shutil.which("java") is not None)) if not ok]
    if missing:
        message = f"{' 和 '.join(missing)} 不可用，Spark 引擎测试无法运行"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
