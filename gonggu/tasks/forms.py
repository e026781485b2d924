from __future__ import annotations

from django import forms

from gonggu.core.codes import in_scope_q

from .models import EvidenceKind, UnitKind, UnitRole
from .periods import FREQ_LABELS, SLOT_FREQUENCIES


class UploadForm(forms.Form):
    file = forms.FileField(label="任务清单文件", help_text="可读取 .docx（表格或编号段落）、.xlsx 和 .txt 文本")
    year = forms.IntegerField(label="文件年份", required=False, min_value=2000, max_value=2100,
                              help_text="只写月日的时限（如“10月31日前”）按此年份解读；不填则取文件落款日期")


class DraftRowForm(forms.Form):
    no = forms.CharField(label="序号", required=False, max_length=20)
    title = forms.CharField(label="任务名称", max_length=500)
    lead = forms.CharField(label="牵头单位", required=False, help_text="多个单位用顿号分隔")
    responsible = forms.CharField(label="责任单位", required=False, help_text="多个单位用顿号分隔")
    deadline_text = forms.CharField(label="完成时限", required=False, max_length=500)
    due_date = forms.DateField(label="完成期限（日期）", required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               help_text="时限原文读不出日期时，可在此直接填写")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


EVIDENCE_AUTO = "auto"
_PHOTO = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".bmp")
_LEDGER = (".xls", ".xlsx", ".et", ".csv")


def evidence_kind_for(name: str, chosen: str) -> str:
    """The kind chosen, or one read from the file type ("按文件类型")."""
    if chosen and chosen != EVIDENCE_AUTO:
        return chosen
    lower = name.lower()
    if lower.endswith(_PHOTO):
        return EvidenceKind.PHOTO
    if lower.endswith(_LEDGER):
        return EvidenceKind.LEDGER
    return EvidenceKind.DOCUMENT


class ReportForm(forms.Form):
    unit = forms.ModelChoiceField(label="报送单位", queryset=None, empty_label=None)
    progress = forms.CharField(label="工作进展", widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label="下步打算", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    percent = forms.IntegerField(label="完成进度（%）", required=False, min_value=0, max_value=100)
    claims_done = forms.BooleanField(label="任务已完成，申请办结销号", required=False)
    files = MultipleFileField(label="佐证材料", required=False,
                              help_text="会议纪要、台账、照片等，可多选；照片、PDF、Word、Excel、WPS 或压缩包")
    kind = forms.ChoiceField(label="材料类别", choices=[(EVIDENCE_AUTO, "按文件类型"), *EvidenceKind.choices],
                             required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class TargetForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    target = forms.CharField(label="目标成效", widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label="具体措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    time_node = forms.DateField(label="时间节点", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    leader = forms.CharField(label="责任领导", required=False, max_length=50)
    person = forms.CharField(label="责任人", required=False, max_length=50)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RemindForm(forms.Form):
    unit = forms.ModelChoiceField(label="催办单位", queryset=None, empty_label=None)
    message = forms.CharField(label="催办内容", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="不填则使用默认内容")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CloseForm(forms.Form):
    note = forms.CharField(label="销号说明", widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="写明办结依据，如已完成的成果、佐证材料")


class DeadlineForm(forms.Form):
    due_date = forms.DateField(label="完成期限", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="说明", required=False, max_length=200)


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label="选择单位")
    role = forms.ChoiceField(label="角色", choices=UnitRole.choices)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RecurrenceFields(forms.Form):
    """A reporting rhythm: frequency, and for a yearly one the month and day ("每年11月20日前")."""

    freq = forms.ChoiceField(label="进展报送周期", required=False,
                             choices=[("", "不定期"), *[(f, FREQ_LABELS[f]) for f in SLOT_FREQUENCIES]])
    month = forms.IntegerField(label="月", required=False, min_value=1, max_value=12)
    day = forms.IntegerField(label="日", required=False, min_value=1, max_value=31)

    def recurrence(self) -> dict | None:
        freq = self.cleaned_data.get("freq")
        if not freq:
            return None
        rec: dict = {"freq": freq}
        if freq == "yearly":
            rec["month"] = self.cleaned_data.get("month") or 12
            if self.cleaned_data.get("day"):
                rec["day"] = self.cleaned_data["day"]
        elif freq == "monthly" and self.cleaned_data.get("day"):
            rec["day"] = self.cleaned_data["day"]
        return rec


class TaskListSettingsForm(RecurrenceFields):
    title = forms.CharField(label="清单名称", max_length=200)
    asks_breakdown = forms.BooleanField(label="要求各单位按年度分解（任务书、时间表、路线图）", required=False)


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=UnitKind.choices)
    region = forms.ModelChoiceField(label="所在区划", queryset=None, required=False,
                                    help_text="县直部门选县；乡镇选乡镇；驻村工作队选所驻村")
    aliases = forms.CharField(label="别名", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="文件中的其他写法，每行一个，如“县人行”")
    members = forms.ModelMultipleChoiceField(label="经办人员", queryset=None, required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 8}))
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        from gonggu.accounts.models import User
        from gonggu.regions.models import Region

        prefix = user.scope_prefix
        self.fields["region"].queryset = Region.objects.filter(in_scope_q("code", prefix)).order_by("code")
        self.fields["members"].queryset = User.objects.filter(
            in_scope_q("region__code", prefix), is_active=True).select_related("region").order_by("region__code",
                                                                                                  "username")
        self.fields["members"].label_from_instance = lambda u: f"{u} · {u.display_role} · {u.region.name if u.region else ''}"
        if editing:
            del self.fields["region"]

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("aliases", "").splitlines() if line.strip()]


class ConfirmNameForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("create", "新建单位"), ("alias", "作为已有单位的别名")])
    kind = forms.ChoiceField(choices=UnitKind.choices, required=False)
    unit = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SettingsForm(forms.Form):
    amber_days = forms.IntegerField(label="临期提醒天数", min_value=0, max_value=90,
                                    help_text="距期限不超过这些天的任务显示黄灯（默认 7 天）")
