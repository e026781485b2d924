"""Rule parameters, per-rule deployment settings, and the stored results of rule runs."""

from django.conf import settings
from django.db import models

from gonggu.core.models import TimeStampedModel


class Parameter(TimeStampedModel):
    """One value of a rule parameter; `year` is null for parameters that do not change by year."""

    name = models.CharField("参数", max_length=60)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    value = models.DecimalField("取值", max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = "规则参数"
        verbose_name_plural = verbose_name
        ordering = ["name", "year"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="parameter_name_year"),
            # NULLs are distinct in unique constraints: one scalar value per name needs its own constraint.
            models.UniqueConstraint(fields=["name"], condition=models.Q(year__isnull=True), name="parameter_scalar_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}{'' if self.year is None else f'[{self.year}]'} = {self.value}"


class RuleSetting(TimeStampedModel):
    """How this deployment uses a rule: switched on or off, and parameter values that differ from the shared ones."""

    code = models.CharField("规则编码", max_length=40, unique=True)
    enabled = models.BooleanField("启用", default=True)
    params = models.JSONField("参数覆盖", default=dict, blank=True)   # {name: decimal text}

    class Meta:
        verbose_name = "规则设置"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {'启用' if self.enabled else '停用'}"


class RuleRun(models.Model):
    """One evaluation of the rules of one kind over one region prefix (a log row; findings are kept for the latest)."""

    kind = models.CharField("类别", max_length=20)
    prefix = models.CharField("区划前缀", max_length=12, blank=True)   # "" = everything
    as_of = models.DateField("检查基准日")
    engine = models.CharField("引擎", max_length=20, default="duckdb")
    rules = models.JSONField("检查的规则", default=list)
    counts = models.JSONField("各规则结果数", default=dict)
    skipped = models.JSONField("跳过", default=list)
    timings = models.JSONField("耗时（秒）", default=dict)
    # How the snapshot was read: scanner (DuckDB read the database), python (with the reason), mixed, parquet.
    export = models.CharField("快照读取方式", max_length=100, blank=True, default="")
    # Parameter values each rule used ({code: {name: value or {year: value}}}): kept once per run, not per finding.
    params = models.JSONField("各规则所用参数", default=dict)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "规则运行"
        verbose_name_plural = verbose_name
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "prefix", "-started_at"], name="rulerun_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.as_of} #{self.pk}"


class Finding(models.Model):
    """One result of a rule: the latest run of each rule and region prefix keeps its findings here."""

    # Indexed together with rule and village below (pages count per run and rule inside a region).
    run = models.ForeignKey(RuleRun, verbose_name="运行", on_delete=models.CASCADE, related_name="findings",
                            db_index=False)
    rule = models.CharField("规则", max_length=40)
    rule_version = models.PositiveSmallIntegerField("规则版本", default=1)
    kind = models.CharField("类别", max_length=20)
    household_ref = models.BigIntegerField("农户 ID", null=True, blank=True)
    household_no = models.CharField("户编号", max_length=40)
    id_number = models.CharField("身份证号", max_length=18, null=True, blank=True)
    region_code = models.CharField("村代码", max_length=12)
    grade = models.CharField("等级", max_length=10, blank=True)
    risk_type = models.CharField("风险类型", max_length=20, blank=True)
    detail = models.TextField("说明", blank=True)
    evidence = models.TextField("依据（JSON）", blank=True)

    class Meta:
        verbose_name = "规则结果"
        verbose_name_plural = verbose_name
        # One index: every read and the replacing delete filter by run first. Fewer indexes, faster bulk writes.
        indexes = [models.Index(fields=["run", "rule", "region_code"], name="finding_run_rule_region_idx")]

    def __str__(self) -> str:
        return f"{self.rule} {self.household_no}"
