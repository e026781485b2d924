"""Every procedure of every app is a table of the one engine (gonggu.core.workflow), with a service per step."""

from gonggu.core.workflow import Workflow
from gonggu.funds import services as funds_services  # noqa: F401  (registers the services)
from gonggu.funds.workflow import PROJECT
from gonggu.guarantees import services as guarantee_services  # noqa: F401
from gonggu.guarantees.workflow import TABLES as GUARANTEE_TABLES
from gonggu.monitoring import services as monitoring_services  # noqa: F401
from gonggu.monitoring.workflow import TABLES as MONITORING_TABLES
from gonggu.screening import services as screening_services  # noqa: F401
from gonggu.screening.workflow import WARNING


def test_every_procedure_is_a_table_of_the_one_engine_with_a_service_per_step():
    tables = [*MONITORING_TABLES.values(), *GUARANTEE_TABLES.values(), PROJECT, WARNING]
    assert all(isinstance(t, Workflow) for t in tables)
    for table in [*MONITORING_TABLES.values(), *GUARANTEE_TABLES.values(), PROJECT]:
        assert set(table.services) == set(table), table.name
    # Warning outcomes are recorded by the village's verification; the lapse is written set-based by a run.
    assert set(WARNING) - set(WARNING.services) == {"lapse"}
