from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from gonggu.core.access import Perm
from gonggu.core.departments import Department

from .permissions import Role, role_perms

# Matches no 12-digit code: the scope of a user who has no region (should not happen; fail closed).
NO_SCOPE = "X"


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    role = models.CharField("角色", max_length=30, choices=Role.choices, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name="所属区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="users")
    department = models.CharField("所属部门", max_length=10, choices=Department.choices, blank=True)
    organisation = models.CharField("单位", max_length=100, blank=True)
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = verbose_name
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def scope_prefix(self) -> str | None:
        """Region code prefix of everything this user may see; None = everything (system administrator)."""
        if self.is_superuser:
            return None
        if self.region_id is None:
            return NO_SCOPE
        return self.region.prefix

    def has_perm_code(self, perm: Perm | str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return Perm(perm) in role_perms(self.role)

    @property
    def display_role(self) -> str:
        if self.is_superuser and not self.role:
            return "系统管理员"
        label = self.get_role_display()
        if self.department:
            label += f"（{self.get_department_display()}）"
        return label
