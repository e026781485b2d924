from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonggu.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        # Background jobs live in each app's `jobs.py` (not `tasks.py`: that name is the task-list app).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
