import datetime as dt

from django import forms

from .models import ProblemKind, ProblemSource
from .workflow import REOPEN_REASONS

# ISO format: a type=date input cannot show the locale format (zh-hans renders 2025/12/03).
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ProblemForm(forms.Form):
    source = forms.ChoiceField(label="问题来源", choices=ProblemSource.choices)
    kind = forms.ChoiceField(label="问题性质", choices=ProblemKind.choices)
    year = forms.IntegerField(label="问题年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="问题", max_length=300)
    description = forms.CharField(label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    region_code = forms.ChoiceField(label="所在区划")
    owner_unit = forms.CharField(label="责任单位", max_length=200)
    owner_person = forms.CharField(label="责任人", max_length=50, required=False)
    indicator_code = forms.ChoiceField(label="对应考核指标", required=False)
    cause = forms.CharField(label="原因剖析", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="整改时限", widget=DATE)

    def __init__(self, *args, regions=(), indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [(r.code, f"{r.name}（{r.level_label}）") for r in regions]
        self.fields["indicator_code"].choices = [("", "—")] + [(i.code, f"{i.code}. {i.name}") for i in indicators]


class ProblemEditForm(forms.Form):
    owner_unit = forms.CharField(label="责任单位", max_length=200)
    owner_person = forms.CharField(label="责任人", max_length=50, required=False)
    cause = forms.CharField(label="原因剖析", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="深挖细查弄准症结，举一反三")
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label="整改时限", widget=DATE)


class StepForm(forms.Form):
    """A step of the rectification table (`workflow.RECTIFICATION`, named by its row). Its guards word every
    refusal, so `step_data` hands them what was typed even when a field does not parse (a page then shows
    all that is missing at once, as the service words it)."""

    def step_data(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name, self.data.get(name, "")) for name in self.fields}


class RectifyForm(StepForm):
    note = forms.CharField(label="整改完成情况", required=False, widget=forms.Textarea(attrs={
        "rows": 3, "placeholder": "做了什么、效果如何、是否举一反三"}))


class VerifyForm(StepForm):
    note = forms.CharField(label="回头看核实情况", required=False, widget=forms.Textarea(attrs={
        "rows": 3, "placeholder": "实地查看、入户了解的情况，群众是否认可"}))


class ReopenForm(StepForm):
    reason = forms.ChoiceField(label="回炉原因", choices=[(r, r) for r in REOPEN_REASONS])
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(label="新的整改时限", widget=DATE)

    @staticmethod
    def initial_for(problem, today: dt.date) -> dict:
        return {"new_deadline": today + dt.timedelta(days=30)}

    def step_data(self) -> dict:
        data = super().step_data()
        # A date that does not parse is no date: the guard asks for one.
        if not isinstance(data["new_deadline"], dt.date):
            data["new_deadline"] = None
        return data


class NegativeItemForm(forms.Form):
    matter = forms.CharField(label="事项", max_length=300, help_text="同一件事的多个负面类型请填写相同的事项名称")
    type = forms.ChoiceField(label="类型")
    happened_on = forms.DateField(label="发生日期", required=False, widget=DATE)
    document = forms.CharField(label="通报文件或出处", max_length=300, required=False)
    note = forms.CharField(label="说明", required=False)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(t.type, f"{t.type}（{'另行研究' if t.points is None else f'{t.points} 分'}）")
                                       for t in types]


class IndicatorForm(forms.Form):
    name = forms.CharField(label="指标", max_length=200)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 5}))
    method = forms.CharField(label="考核方式", max_length=60, required=False)
    responsible = forms.CharField(label="数据来源单位", required=False, help_text="用顿号分隔")
    target_text = forms.CharField(label="目标要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    score = forms.CharField(label="分值", required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    figures = forms.MultipleChoiceField(label="自评测算项", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, figure_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figures"].choices = list(figure_choices)
