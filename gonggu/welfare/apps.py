from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "gonggu.welfare"
    label = "welfare"
    verbose_name = "兜底保障"
