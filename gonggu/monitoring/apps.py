from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "gonggu.monitoring"
    label = "monitoring"
    verbose_name = "监测帮扶"

    def ready(self) -> None:
        # Screening's 纳入监测 outcome opens a clue here, in the verification's transaction. Screening sits
        # below monitoring and cannot import it, so it calls the handlers registered with its hooks.
        from gonggu.screening.hooks import register_inclusion_handler

        from .services import clue_from_warning

        register_inclusion_handler(clue_from_warning)
