"""Forms of the registry pages: they parse input; the rules live in services (errors come back per field)."""

from __future__ import annotations

from django import forms

from gonggu.core.codes import Level
from gonggu.regions.selectors import regions_in_scope

from .choices import (
    DisabilityGrade,
    Health,
    HouseholdType,
    LabourAbility,
    MonitoringType,
    PersonStatus,
    Relation,
    SchoolStatus,
    WorkPlace,
)

BLANK = [("", "——")]
YES_NO_CHOICES = [("", "未填"), ("是", "是"), ("否", "否")]


def yes_no_value(text: str) -> bool | None:
    return {"是": True, "否": False}.get(text)


def yes_no_text(value: bool | None) -> str:
    return {True: "是", False: "否"}.get(value, "")


def apply_service_errors(form: forms.Form, errors: dict[str, str], *, version: str | None = None) -> None:
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)
    if version is not None and form.is_bound:
        # After an edit conflict the form carries the current version: submitting again is a knowing overwrite.
        form.data = form.data.copy()
        form.data["version"] = version


class DateInput(forms.DateInput):
    input_type = "date"


class HouseholdForm(forms.Form):
    household_type = forms.ChoiceField(label="户类型", choices=HouseholdType.choices)
    monitoring_type = forms.ChoiceField(label="监测对象类型", choices=BLANK + MonitoringType.choices, required=False,
                                        help_text="户类型为监测户时填写")
    relocated = forms.ChoiceField(label="是否易地搬迁", choices=YES_NO_CHOICES, required=False)
    village = forms.ModelChoiceField(label="所在村", queryset=None, help_text="整户迁到本县另一个村时修改；成员随户迁移")
    # The version of the record the form was filled from: a save by someone else since then is not overwritten.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor, household, **kwargs):
        super().__init__(*args, **kwargs)
        villages = regions_in_scope(actor.scope_prefix).filter(level=Level.VILLAGE,
                                                               code__startswith=household.county_code)
        self.fields["village"].queryset = villages.order_by("code")
        self.fields["village"].label_from_instance = lambda r: f"{r.name}（{r.code}）"


class PersonForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=30)
    name = forms.CharField(label="姓名", max_length=50)
    relation = forms.ChoiceField(label="与户主关系", choices=Relation.choices)
    labour_ability = forms.ChoiceField(label="劳动能力", choices=LabourAbility.choices)
    health = forms.ChoiceField(label="健康状况", choices=Health.choices)
    disability_grade = forms.ChoiceField(label="残疾等级", choices=BLANK + DisabilityGrade.choices, required=False,
                                         help_text="健康状况为残疾时填写")
    school_status = forms.ChoiceField(label="在校情况", choices=BLANK + SchoolStatus.choices, required=False)
    work_months = forms.IntegerField(label="务工月数", min_value=0, max_value=12, required=False,
                                     help_text="收入年度内务工月数，0–12")
    work_place = forms.ChoiceField(label="务工地点", choices=BLANK + WorkPlace.choices, required=False)
    medical_insured = forms.ChoiceField(label="是否参加基本医疗保险", choices=YES_NO_CHOICES, required=False)
    # The version of the record the form was filled from: a save by someone else since then is not overwritten.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The full number is never put into the page unasked: a correction is typed in full.
            self.fields["id_number"].required = False
            self.fields["id_number"].label = "更正身份证号"
            self.fields["id_number"].help_text = "号码无误时留空；如需更正，填写完整的正确号码"
        else:
            self.fields["id_number"].help_text = "18 位；15 位老号码会自动升级。性别和出生日期由号码得出"
            # Most additions are newborns.
            self.fields["relation"].initial = Relation.SON
            self.fields["labour_ability"].initial = LabourAbility.NONE

    def service_values(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "relation": d["relation"], "labour_ability": d["labour_ability"],
                "health": d["health"], "disability_grade": d["disability_grade"], "school_status": d["school_status"],
                "work_months": d["work_months"], "work_place": d["work_place"],
                "medical_insured": yes_no_value(d["medical_insured"])}


class PersonStatusForm(forms.Form):
    STATUS_CHOICES = [(PersonStatus.DECEASED, "死亡"), (PersonStatus.MOVED_OUT, "迁出（户口迁出本县）"),
                      (PersonStatus.OTHER, "其他注销")]
    status = forms.ChoiceField(label="变更为", choices=STATUS_CHOICES)
    date = forms.DateField(label="日期", widget=DateInput)


class PersonMoveForm(forms.Form):
    household_no = forms.CharField(label="迁入户的户编号", max_length=40, help_text="本县、你管辖范围内的农户")
    relation = forms.ChoiceField(label="在新户中与户主关系", choices=Relation.choices)


class IncomeForm(forms.Form):
    year = forms.IntegerField(label="收入年度", min_value=2000, max_value=2100)
    wage = forms.DecimalField(label="工资性收入（元）", min_value=0, max_digits=14, decimal_places=2, initial=0)
    business = forms.DecimalField(label="生产经营性收入（元）", min_value=0, max_digits=14, decimal_places=2, initial=0)
    property = forms.DecimalField(label="财产性收入（元）", min_value=0, max_digits=14, decimal_places=2, initial=0)
    transfer = forms.DecimalField(label="转移性收入（元）", min_value=0, max_digits=14, decimal_places=2, initial=0)
    business_expense = forms.DecimalField(label="生产经营性支出（元）", min_value=0, max_digits=14, decimal_places=2,
                                          initial=0)
    household_size = forms.IntegerField(label="家庭人口", min_value=1, max_value=99, required=False,
                                        help_text="留空则按本户在册人数计算")
    # The version of the record the form was filled from: a save by someone else since then is not overwritten.
    version = forms.CharField(widget=forms.HiddenInput, required=False)
