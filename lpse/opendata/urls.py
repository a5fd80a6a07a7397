from django.urls import URLPattern, URLResolver, path

from lpse.opendata import views

app_name = "opendata"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("tenders.csv", views.tenders_csv, name="tenders_csv"),
    path("tenders.xlsx", views.tenders_xlsx, name="tenders_xlsx"),
]
