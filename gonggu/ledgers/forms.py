"""The entry form of a ledger kind, built from its model and columns: what a village clerk fills in on a phone."""

from __future__ import annotations

from django import forms

from .kinds import LedgerKind, Match


class _DateInput(forms.DateInput):
    input_type = "date"


def ledger_form_class(kind: LedgerKind, *, villages: list[tuple[str, str]] | None = None) -> type[forms.ModelForm]:
    """A ModelForm over the kind's own fields, plus who or where the row is about."""
    attrs: dict = {}
    if kind.match == Match.REGION:
        attrs["region_code"] = forms.ChoiceField(label="村（社区）或乡镇", choices=villages or [])
    else:
        help_text = "该户任一成员的身份证号" if kind.match == Match.HOUSEHOLD else "此人的身份证号（18 位）"
        attrs["id_number_input"] = forms.CharField(label="身份证号", max_length=20, help_text=help_text,
                                                   widget=forms.TextInput(attrs={"inputmode": "text",
                                                                                 "autocomplete": "off"}))
    # The row's last change as the form saw it: a concurrent change is shown instead of overwritten.
    attrs["version"] = forms.CharField(widget=forms.HiddenInput, required=False)
    widgets = {name: _DateInput(format="%Y-%m-%d") for name in kind.form_fields
               if kind.model._meta.get_field(name).get_internal_type() == "DateField"}
    meta = type("Meta", (), {"model": kind.model, "fields": kind.form_fields, "widgets": widgets})
    attrs["Meta"] = meta
    return type(f"{kind.model.__name__}Form", (forms.ModelForm,), attrs)
