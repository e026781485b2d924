from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "gonggu.screening"
    label = "screening"
    verbose_name = "筛查预警"
