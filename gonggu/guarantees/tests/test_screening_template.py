"""The dropout screening ledger is kept per township: its template's example code is a township's, which it accepts."""

from gonggu.guarantees.ledger_defs import DROPOUT_SCREENING
from gonggu.ledgers.kinds import LedgerKind


def test_the_screening_template_shows_a_township_code_and_village_ledgers_a_village_code():
    example = next(c.example for c in DROPOUT_SCREENING.spec.columns if c.name == "行政区划代码")
    assert example == "410122101000"
    assert LedgerKind.__dataclass_fields__["region_example"].default == "410122101201"
