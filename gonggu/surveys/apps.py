from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "gonggu.surveys"
    label = "surveys"
    verbose_name = "入户问卷"
