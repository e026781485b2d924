"""The step forms of the procedures, built from each transition's fields (chosen by the transition table), and
the phone form of a 劝返 record."""

from __future__ import annotations

from django import forms

from .models import Persuasion
from .workflow import Transition


class _DateInput(forms.DateInput):
    input_type = "date"


def step_form_class(model, t: Transition) -> type[forms.Form]:
    names = [f for f in t.fields if f != "reason"]
    fields = forms.fields_for_model(model, fields=names)
    for name, field in fields.items():
        if isinstance(field, forms.DateField):
            field.widget = _DateInput(format="%Y-%m-%d")
        if not isinstance(field, forms.BooleanField) and name != "floor_area":
            field.required = True
    if "reason" in t.fields:
        fields["reason"] = forms.CharField(label="理由", max_length=200, widget=forms.Textarea(attrs={"rows": 2}))
    return type(f"{t.name.title()}Form", (forms.Form,), dict(fields))


class PersuasionForm(forms.ModelForm):
    class Meta:
        model = Persuasion
        fields = ["persuaded_on", "joint", "persuaders", "outcome", "content"]
        widgets = {"persuaded_on": _DateInput(format="%Y-%m-%d")}
