from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "gonggu.ledgers"
    label = "ledgers"
    verbose_name = "工作台账"

    def ready(self) -> None:
        # Each work area declares its ledger kinds in `ledger_defs.py`; importing it registers them (and their
        # import formats). The rules app registers their snapshot tables after this.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("ledger_defs")
