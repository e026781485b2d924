from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gonggu.web"
    label = "web"
    verbose_name = "界面"

    def ready(self):
        from .dossier import register

        register()
