"""稳岗就业: the employment ledgers of the seeds (001 第二部分 稳岗就业, 003 任务38, 004 任务12).

Each ledger is a `LedgerRow` (region, person, batch or author, history) with its own columns; the kinds,
their import columns and entry forms are declared in `ledger_defs.py`, the rules over them in `rule_defs.py`.
"""

from django.db import models

from gonggu.ledgers.models import LedgerRow


class PublicPost(LedgerRow):
    """A placement on a 乡村公益性岗位: "按需设岗、以岗聘任、在岗领补、有序退岗" (001 稳岗就业(二)6)."""

    post_name = models.CharField("岗位名称", max_length=60)
    post_type = models.CharField("岗位类别", max_length=30, blank=True,
                                 help_text="如 保洁、护林、护路、水利管护、治安巡逻、残疾人公益专岗")
    start_date = models.DateField("上岗日期")
    end_date = models.DateField("退岗日期", null=True, blank=True, help_text="仍在岗的不填")
    monthly_subsidy = models.DecimalField("月岗位补贴（元）", max_digits=10, decimal_places=2)
    placement_no = models.PositiveSmallIntegerField("第几次安置", default=1,
                                                    help_text="补贴期满后再次安置的填 2；累计不超过 2 次")
    agreement = models.BooleanField("签订岗位协议", default=False)
    insured = models.BooleanField("购买意外伤害保险", default=False)

    class Meta:
        verbose_name = "公益岗位安置"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "start_date"], name="public_post_region_idx")]

    def __str__(self) -> str:
        return f"{self.post_name} {self.start_date}"
