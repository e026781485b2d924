from django.urls import include, path

urlpatterns = [
    path("", include("gonggu.web.urls")),
    path("regions/", include("gonggu.regions.urls")),
    path("accounts/", include("gonggu.accounts.urls")),
    path("jobs/", include("gonggu.core.urls")),
    path("registry/", include("gonggu.registry.urls")),
    path("sources/", include("gonggu.sources.urls")),
    path("intake/", include("gonggu.dataio.urls")),
    path("ledgers/", include("gonggu.ledgers.urls")),
    path("employment/", include("gonggu.employment.urls")),
    path("stationing/", include("gonggu.stationing.urls")),
    path("rules/", include("gonggu.rules.urls")),
    path("screening/", include("gonggu.screening.urls")),
    path("monitoring/", include("gonggu.monitoring.urls")),
    path("funds/", include("gonggu.funds.urls")),
    path("tasks/", include("gonggu.tasks.urls")),
    path("assessment/", include("gonggu.assessment.urls")),
    path("guarantees/", include("gonggu.guarantees.urls")),
    path("surveys/", include("gonggu.surveys.urls")),
]

handler500 = "gonggu.core.views.server_error"
