from django.apps import AppConfig


class StationingConfig(AppConfig):
    name = "gonggu.stationing"
    label = "stationing"
    verbose_name = "驻村帮扶与工作落实"
