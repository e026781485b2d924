from django.urls import path

from . import views

urlpatterns = [
    path("", views.ledger_index, name="ledger_index"),
    path("<str:key>/", views.ledger_list, name="ledger_list"),
    path("<str:key>/export/", views.ledger_export_view, name="ledger_export"),
    path("<str:key>/new/", views.ledger_new, name="ledger_new"),
    path("<str:key>/<int:pk>/", views.ledger_row, name="ledger_row"),
    path("<str:key>/<int:pk>/edit/", views.ledger_edit, name="ledger_edit"),
]
