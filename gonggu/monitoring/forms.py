"""Form parsing for monitoring pages: types and required fields here, the rules of the procedure in services."""

from __future__ import annotations

import datetime as dt

from django import forms

from gonggu.core.clock import today as _today
from gonggu.core.departments import Department

from .choices import EliminationMethod, MeasureCategory, MonitoringType, RiskType
from .services import APPROVAL_BODIES
from .workflow import GUARANTEES, SAFETY_NET_BASES

# Photos are judged by their content when kept (core.uploads), which names the file it refuses.
PHOTO_INPUT = forms.ClearableFileInput(attrs={"accept": "image/*"})

# HTML date inputs want ISO dates whatever the locale prints.
DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class RiskTypesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", RiskType.choices)
        kwargs.setdefault("label", "风险类型")
        super().__init__(**kwargs)


class DeclarationForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=30,
                                widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}))
    phone = forms.CharField(label="联系电话", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    village = forms.CharField(label="所在村", max_length=12)
    difficulty = forms.CharField(label="遇到的困难", max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    risk_types = RiskTypesField(required=False, label="困难类型（可多选）")


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label="回执号", max_length=20)
    phone_tail = forms.CharField(label="申报时所留电话号码的后四位", min_length=4, max_length=4)


class ClueForm(forms.Form):
    village = forms.CharField(label="所在村", max_length=12)
    household = forms.IntegerField(label="农户", required=False, widget=forms.HiddenInput)
    discovered_on = forms.DateField(label="发现日期", initial=_today, **DATE)
    name = forms.CharField(label="当事人姓名", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    difficulty = forms.CharField(label="困难情况", widget=forms.Textarea(attrs={"rows": 3}))
    risk_types = RiskTypesField(required=False)
    source_note = forms.CharField(label="信息来源", max_length=200, required=False,
                                  help_text="社会信息补充必填：如某媒体报道、信访件编号")


class OpenCaseForm(forms.Form):
    household = forms.IntegerField(label="农户", required=False)
    green_channel = forms.BooleanField(label="走绿色通道（突发严重困难，先帮扶后补手续）", required=False)
    green_channel_reason = forms.CharField(label="突发困难情况", max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", max_length=500, required=False)


class VerifyForm(forms.Form):
    verified_on = forms.DateField(label="入户核实日期", initial=_today, **DATE)
    findings = forms.CharField(label="核查表：核实情况", widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               help_text="家庭成员、收入支出、“两不愁三保障”及饮水安全、返贫致贫风险")
    income_estimate = forms.DecimalField(label="核查表：估算家庭年人均纯收入（元）", required=False, max_digits=14,
                                         decimal_places=2)
    monitoring_type = forms.ChoiceField(label="拟纳入监测对象类型", choices=[("", "请选择"), *MonitoringType.choices],
                                        required=False)
    risk_types = RiskTypesField(required=False)
    commitment_signed_on = forms.DateField(label="承诺授权书签订日期", required=False, **DATE)
    commitment_scan = forms.FileField(label="承诺授权书扫描件或照片", required=False)

    @staticmethod
    def initial_for(case) -> dict:
        return {"risk_types": case.risk_type_list, "monitoring_type": case.monitoring_type}

    def step_data(self) -> dict:
        d = self.cleaned_data
        income = d["income_estimate"]
        return {**d, "form": {"income_estimate": str(income) if income is not None else ""}}


class CompareForm(forms.Form):
    result_note = forms.CharField(label="比对结果说明", max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class SelectForm(forms.Form):
    notice_start = forms.DateField(label="公示开始日期", initial=_today, **DATE)
    notice_end = forms.DateField(label="公示结束日期", initial=lambda: _today() + dt.timedelta(days=4), **DATE)
    contact = forms.CharField(label="异议受理电话", max_length=50, required=False)
    note = forms.CharField(label="初选研判意见", max_length=500, required=False)


class ApproveForm(forms.Form):
    approval_body = forms.ChoiceField(label="批准方式", choices=[(b, b) for b in APPROVAL_BODIES])
    note = forms.CharField(label="审批意见", max_length=500, required=False)


class AnnounceForm(forms.Form):
    announced_on = forms.DateField(label="公告日期", initial=_today, **DATE)
    place = forms.CharField(label="张贴地点", max_length=200)
    photo = forms.FileField(label="公告照片", required=False, widget=PHOTO_INPUT)


class EnterForm(forms.Form):
    entered_on = forms.DateField(label="录入系统日期", initial=_today, **DATE)
    note = forms.CharField(label="说明", max_length=500, required=False)


class PostingForm(forms.Form):
    posted_on = forms.DateField(label="张贴日期", initial=_today, **DATE)
    place = forms.CharField(label="张贴地点", max_length=200)
    photo = forms.FileField(label="张贴照片", required=False, widget=PHOTO_INPUT)


class ObjectionForm(forms.Form):
    case = forms.IntegerField(label="涉及农户", required=False)
    received_on = forms.DateField(label="受理日期", initial=_today, **DATE)
    raised_by = forms.CharField(label="反映人（可匿名）", max_length=100, required=False)
    content = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(label="核实结论", choices=[("0", "异议不成立"), ("1", "异议成立")],
                                    coerce=lambda v: v == "1")
    handling = forms.CharField(label="调查核实和处理情况", widget=forms.Textarea(attrs={"rows": 3}))


class OfficerForm(forms.Form):
    officer = forms.IntegerField(label="帮扶责任人（系统用户）", required=False)
    name = forms.CharField(label="或：国家公职人员姓名", max_length=50, required=False)
    unit = forms.CharField(label="工作单位", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    assigned_on = forms.DateField(label="明确日期", initial=_today, **DATE)


class PlanForm(forms.Form):
    plan_on = forms.DateField(label="计划制定日期", initial=_today, **DATE)
    summary = forms.CharField(label="帮扶计划（一户一策）", widget=forms.Textarea(attrs={"rows": 5}))


class MeasureForm(forms.Form):
    category = forms.ChoiceField(label="措施类别", choices=MeasureCategory.choices)
    department = forms.ChoiceField(label="责任部门", choices=[("", "—"), *Department.choices], required=False)
    start_on = forms.DateField(label="开始日期", initial=_today, **DATE)
    end_on = forms.DateField(label="结束日期（空=持续）", required=False, **DATE)
    beneficiary = forms.IntegerField(label="受益人", required=False)
    content = forms.CharField(label="内容", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MeasureEndForm(forms.Form):
    end_on = forms.DateField(label="结束日期", initial=_today, **DATE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="走访日期", initial=_today, **DATE)
    content = forms.CharField(label="走访内容和发现", widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="措施落实情况、收入和“三保障”变化、新发现的困难")
    photos = MultipleImageField(label="照片（可多张）", required=False)


class EliminationVerifyForm(forms.Form):
    verified_on = forms.DateField(label="入户核查日期", initial=_today, **DATE)
    no_new_risk = forms.BooleanField(label="不存在新增返贫致贫风险", required=False)
    note = forms.CharField(label="核查情况", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in GUARANTEES:
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def guarantees(self) -> dict:
        return {key: self.cleaned_data.get(key, False) for key, _ in GUARANTEES}

    def step_data(self) -> dict:
        return {**self.cleaned_data, "guarantees": self.guarantees()}


class MarkForm(forms.Form):
    method = forms.ChoiceField(label="消除方式", choices=[("", "请选择"), *EliminationMethod.choices], required=False)
    marked_on = forms.DateField(label="系统标注日期", initial=_today, **DATE)


class NoLabourVerifyForm(forms.Form):
    verified_on = forms.DateField(label="入户核查日期", initial=_today, **DATE)
    basis = forms.ChoiceField(label="认定依据", choices=[("", "请选择"), *SAFETY_NET_BASES], required=False)
    note = forms.CharField(label="核查情况", max_length=500, required=False)


class NoLabourMarkForm(forms.Form):
    marked_on = forms.DateField(label="系统标注日期", initial=_today, **DATE)


class ApplicationForm(forms.Form):
    application = forms.CharField(label="申请理由", max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class GreenChannelForm(forms.Form):
    reason = forms.CharField(label="突发严重困难情况", max_length=200)


class TimeLimitForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    days = forms.IntegerField(label="时限（天）", min_value=1, max_value=90)
    working = forms.BooleanField(label="按工作日计算", required=False)
    amber_days = forms.IntegerField(label="提前提醒（天）", min_value=0, max_value=89)


class HolidayForm(forms.Form):
    date = forms.DateField(label="日期", **DATE)
    is_workday = forms.BooleanField(label="调休上班", required=False)
    note = forms.CharField(label="说明", max_length=50, required=False)
