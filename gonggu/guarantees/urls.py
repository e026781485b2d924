from django.urls import path

from . import views

urlpatterns = [
    path("renovation/<int:pk>/", views.procedure_page, {"table": "renovation"}, name="renovation_procedure"),
    path("dropout/<int:pk>/", views.procedure_page, {"table": "dropout"}, name="dropout_procedure"),
    path("dropout/<int:pk>/persuasion/", views.persuasion_new, name="guarantee_persuasion"),
    path("<str:table>/<int:pk>/<str:step>/", views.procedure_step, name="guarantee_step"),
]
