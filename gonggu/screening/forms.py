import datetime as dt

from django import forms
from django.utils import timezone

from .models import NOTE_REQUIRED, OUTCOMES, ScreeningSetting


class VerifyForm(forms.Form):
    outcome = forms.ChoiceField(label="核实结果", choices=[(o.value, o.label) for o in OUTCOMES],
                                widget=forms.RadioSelect)
    note = forms.CharField(label="核实说明", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="不予纳入须写明理由；数据有误须说明哪项数据有误")

    def clean(self):
        data = super().clean()
        outcome, note = data.get("outcome"), (data.get("note") or "").strip()
        if outcome in NOTE_REQUIRED and not note:
            self.add_error("note", NOTE_REQUIRED[outcome])
        return data


class RunForm(forms.Form):
    as_of = forms.DateField(label="筛查基准日", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value > timezone.localdate() + dt.timedelta(days=1):
            raise forms.ValidationError("基准日不能晚于今天")
        return value


class SettingForm(forms.ModelForm):
    class Meta:
        model = ScreeningSetting
        fields = ["red_days", "orange_days", "yellow_days", "info_days"]
