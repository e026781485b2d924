from django.apps import AppConfig


class StationingConfig(AppConfig):
    name = "gonggu.stationing"
    label = "stationing"
    verbose_name = "驻村帮扶与工作落实"

    def ready(self) -> None:
        # The household page and the case page show the meetings that discussed them (their owners' panels).
        from .panels import register

        register()
