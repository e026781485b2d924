from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "gonggu.rules"
    label = "rules"
    verbose_name = "规则库"

    def ready(self) -> None:
        # Each app declares its rules and snapshot tables in `rule_defs.py`; importing it registers them.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("rule_defs")
