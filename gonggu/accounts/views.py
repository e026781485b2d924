from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.core.web import on_refusal

from .forms import PasswordResetForm, UserForm
from .permissions import Role
from .selectors import failed_logins_for_user, user_get_for_user, users_for_user
from .services import user_create, user_set_password, user_update


def _apply_service_error(form, exc: UserFacingError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_perm(Perm.MANAGE_USERS)
def user_list(request):
    text, role = request.GET.get("q", "").strip(), request.GET.get("role", "")
    page = Paginator(users_for_user(request.user, text=text, role=role), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": text, "role": role, "roles": Role.choices})


@require_perm(Perm.MANAGE_USERS)
def failed_logins(request):
    """登录失败记录: attempts against the users of the administrator's region, with the client address."""
    text = request.GET.get("q", "").strip()
    page = Paginator(failed_logins_for_user(request.user, text=text), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/failed_logins.html", {"page": page, "q": text})


@require_perm(Perm.MANAGE_USERS)
def user_new(request):
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = user_create(actor=request.user, username=d["username"], password=d["password"],
                               full_name=d["full_name"], role=d["role"], region=d["region"],
                               department=d["department"], phone=d["phone"], organisation=d["organisation"])
        except UserFacingError as exc:
            _apply_service_error(form, exc)
        else:
            messages.success(request, f"已新增用户 {user.username}。")
            return redirect("user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": "新增用户"})


@require_perm(Perm.MANAGE_USERS)
def user_edit(request, pk: int):
    target = user_get_for_user(request.user, pk)
    initial = {"username": target.username, "full_name": target.full_name, "role": target.role,
               "region": target.region, "department": target.department, "organisation": target.organisation,
               "phone": target.phone, "is_active": target.is_active}
    form = UserForm(request.POST or None, actor=request.user, editing=target, initial=initial)
    reset = PasswordResetForm(prefix="reset")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user_update(actor=request.user, user=target, full_name=d["full_name"], role=d["role"], region=d["region"],
                        department=d["department"], phone=d["phone"], organisation=d["organisation"],
                        is_active=d["is_active"])
        except UserFacingError as exc:
            _apply_service_error(form, exc)
        else:
            messages.success(request, f"已保存用户 {target.username}。")
            return redirect("user_list")
    return render(request, "accounts/user_form.html",
                  {"form": form, "title": f"编辑用户 {target.username}", "target": target, "reset": reset})


@require_perm(Perm.MANAGE_USERS)
@on_refusal("user_edit", "pk")
def user_reset_password(request, pk: int):
    target = user_get_for_user(request.user, pk)
    form = PasswordResetForm(request.POST or None, prefix="reset")
    if request.method == "POST" and form.is_valid():
        user_set_password(actor=request.user, user=target, password=form.cleaned_data["password"])
        messages.success(request, f"已重置 {target.username} 的密码。")
    return redirect("user_edit", pk=target.pk)
