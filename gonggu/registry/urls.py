from django.urls import include, path

urlpatterns = [
    path("import/", include("gonggu.registry.import_urls")),
    path("", include("gonggu.registry.page_urls")),
]
