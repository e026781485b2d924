from django.db import models
from simple_history.models import HistoricalRecords

from gonggu.core.codes import LEVEL_LABELS, PREFIX_LENGTH, Level
from gonggu.core.models import TimeStampedModel


class Region(TimeStampedModel):
    """One node of the administrative tree: 省 / 市 / 县 / 乡 / 村, with its 12-digit code."""

    class LevelChoice(models.TextChoices):
        PROVINCE = Level.PROVINCE, LEVEL_LABELS[Level.PROVINCE]
        CITY = Level.CITY, LEVEL_LABELS[Level.CITY]
        COUNTY = Level.COUNTY, LEVEL_LABELS[Level.COUNTY]
        TOWNSHIP = Level.TOWNSHIP, LEVEL_LABELS[Level.TOWNSHIP]
        VILLAGE = Level.VILLAGE, LEVEL_LABELS[Level.VILLAGE]

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=10, choices=LevelChoice.choices, db_index=True)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    # The part of `code` shared by everything below this region (see gonggu.core.codes).
    prefix = models.CharField("代码前缀", max_length=12, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.prefix = self.code[: PREFIX_LENGTH[Level(self.level)]]
        super().save(*args, **kwargs)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[Level(self.level)]

    def ancestors(self) -> list["Region"]:
        """From the root down to the parent; a handful of queries at most (depth ≤ 4)."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def full_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors(), self])
