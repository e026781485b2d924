"""A survey (one questionnaire, one region, one drawing), its sample entries (a household each, with the
one-time code printed on the sample list) and the answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gonggu.core.models import TimeStampedModel


class Survey(TimeStampedModel):
    title = models.CharField("名称", max_length=100)
    questionnaire = models.CharField("问卷", max_length=20)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    region_prefix = models.CharField("代码前缀", max_length=12)
    region_name = models.CharField("区划", max_length=100)
    per_village = models.PositiveSmallIntegerField("每村抽样户数")
    seed = models.PositiveIntegerField("随机种子")
    drawn_on = models.DateField("抽样日期")

    class Meta:
        verbose_name = "入户问卷"
        verbose_name_plural = verbose_name
        ordering = ["-drawn_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SampleEntry(models.Model):
    class Channel(models.TextChoices):
        CADRE = "cadre", "干部入户录入"
        HOUSEHOLD = "household", "农户自行填写"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="entries")
    household = models.ForeignKey("registry.Household", verbose_name="农户", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    region_code = models.CharField("村代码", max_length=12)
    household_no = models.CharField("户编号", max_length=40)
    head_name = models.CharField("户主", max_length=50)
    household_type = models.CharField("户类型", max_length=20, blank=True)
    code = models.CharField("填写码", max_length=12, unique=True)
    answered_at = models.DateTimeField("填写时间", null=True, blank=True)
    channel = models.CharField("填写方式", max_length=10, choices=Channel.choices, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "问卷样本户"
        verbose_name_plural = verbose_name
        ordering = ["region_code", "household_no"]
        constraints = [models.UniqueConstraint(fields=["survey", "household"], name="survey_household_once")]
        indexes = [models.Index(fields=["survey", "region_code"])]

    def __str__(self) -> str:
        return f"{self.household_no} {self.head_name}"


class Answer(models.Model):
    entry = models.ForeignKey(SampleEntry, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField("题目", max_length=10)
    topic = models.CharField("指标", max_length=20)
    option = models.CharField("回答", max_length=40)
    positive = models.BooleanField("认可/知晓/准确")

    class Meta:
        verbose_name = "问卷回答"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["entry", "question"], name="answer_once_per_question")]

    def __str__(self) -> str:
        return f"{self.question}：{self.option}"
