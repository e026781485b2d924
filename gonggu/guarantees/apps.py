from django.apps import AppConfig


class GuaranteesConfig(AppConfig):
    name = "gonggu.guarantees"
    label = "guarantees"
    verbose_name = "三保障和饮水安全"

    def ready(self) -> None:
        # A household's water problems hold back its risk elimination and show on its monitoring record.
        from gonggu.core.panels import Panel
        from gonggu.monitoring.hooks import CASE_PANELS, register_elimination_check

        from .case_links import case_water_section, open_water_problems

        register_elimination_check(open_water_problems)
        CASE_PANELS.register(Panel("water_problems", "饮水安全问题", "guarantees/_case_water.html",
                                   case_water_section, order=50))
