from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "gonggu.employment"
    label = "employment"
    verbose_name = "稳岗就业"
