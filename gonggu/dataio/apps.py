from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "gonggu.dataio"
    label = "dataio"
    verbose_name = "数据交换"
