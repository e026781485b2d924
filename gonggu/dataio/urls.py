from django.urls import path

from . import views

urlpatterns = [
    path("", views.intake_home, name="intake_home"),
    path("batches/<int:pk>/", views.intake_batch, name="intake_batch"),
    path("batches/<int:pk>/returns.xlsx", views.intake_returns, name="intake_returns"),
    path("<str:key>/", views.intake_format, name="intake_format"),
    path("<str:key>/template.xlsx", views.intake_template, name="intake_template"),
]
