from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "gonggu.credit"
    label = "credit"
    verbose_name = "小额信贷"
