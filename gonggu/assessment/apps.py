from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "gonggu.assessment"
    label = "assessment"
    verbose_name = "考核评估"
