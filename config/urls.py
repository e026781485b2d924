from django.urls import include, path

urlpatterns = [
    path("", include("gonggu.web.urls")),
    path("regions/", include("gonggu.regions.urls")),
    path("accounts/", include("gonggu.accounts.urls")),
    path("jobs/", include("gonggu.core.urls")),
]
