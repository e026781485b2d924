from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "gonggu.dataio"
    label = "dataio"
    verbose_name = "数据交换"

    def ready(self) -> None:
        # Each app declares its import formats in `intake_formats.py`; importing it registers them.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("intake_formats")
