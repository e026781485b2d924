from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "gonggu.monitoring"
    label = "monitoring"
    verbose_name = "监测帮扶"
