from django import forms

from gonggu.core.departments import Department
from gonggu.regions.selectors import regions_in_scope

from .models import User
from .permissions import Role


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}（{obj.level_label}）"


class UserForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    role = forms.ChoiceField(label="角色", choices=[("", "—— 请选择 ——"), *Role.choices])
    region = RegionChoiceField(label="所属区划", queryset=None)
    department = forms.ChoiceField(label="所属部门（行业部门用户必填）", choices=[("", "——"), *Department.choices],
                                   required=False)
    organisation = forms.CharField(label="单位", max_length=100, required=False)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, required=False,
                               help_text="至少 8 位，不能全是数字，不能过于常见。")
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, actor: User, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(actor.scope_prefix).order_by("code")
        if editing is None:
            self.fields["password"].required = True
            del self.fields["is_active"]
        else:
            self.fields["username"].disabled = True
            del self.fields["password"]


class PasswordResetForm(forms.Form):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput)
