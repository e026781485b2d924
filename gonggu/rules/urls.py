from django.urls import path

from . import views

urlpatterns = [
    path("", views.rule_list, name="rule_list"),
    path("quality/", views.quality_list, name="quality_list"),
    path("quality/run/", views.quality_run, name="quality_run"),
    path("params/", views.param_list, name="param_list"),
    path("<str:code>/", views.rule_detail, name="rule_detail"),
    path("<str:code>/setting/", views.rule_setting, name="rule_setting"),
]
