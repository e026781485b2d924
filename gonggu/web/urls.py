from django.urls import path

from . import views
from .workbench import views as workbench

urlpatterns = [
    path("", workbench.home, name="home"),
    path("workbench/export.xlsx", workbench.home_export, name="workbench_export"),
    path("cockpit/", workbench.cockpit, name="cockpit"),
    path("cockpit/export.xlsx", workbench.cockpit_export, name="cockpit_export"),
    path("cockpit/boundaries/", workbench.cockpit_boundaries, name="cockpit_boundaries"),
    path("audit/", views.audit_list, name="audit_list"),
]
