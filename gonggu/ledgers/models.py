"""The ledger row: what every work-area ledger (台账) has in common.

A ledger kind is one typed model deriving from `LedgerRow` — its own columns, each a model field with a
Chinese verbose name — plus a `LedgerKind` in the work area's `ledger_defs.py`. Every row belongs to a
region (the village or township it concerns, the key of scoping); where the ledger is about a person or a
household, it links them (matched by identity number on import and entry); it remembers the import batch
it came from or the user who entered it; its changes are kept (simple-history).
"""

from django.db import models
from simple_history.models import HistoricalRecords

from gonggu.core.models import TimeStampedModel


class LedgerRow(TimeStampedModel):
    region_code = models.CharField("行政区划代码", max_length=12, db_index=True)
    household = models.ForeignKey("registry.Household", verbose_name="农户", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Person", verbose_name="人员", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    # As entered (normalised): kept so a row stays readable even before its person is in the registry.
    id_number = models.CharField("身份证号", max_length=18, blank=True, db_index=True)
    batch = models.ForeignKey("dataio.IntakeBatch", verbose_name="导入批次", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
