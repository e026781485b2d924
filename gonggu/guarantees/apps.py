from django.apps import AppConfig


class GuaranteesConfig(AppConfig):
    name = "gonggu.guarantees"
    label = "guarantees"
    verbose_name = "三保障和饮水安全"
