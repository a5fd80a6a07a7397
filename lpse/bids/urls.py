from django.urls import URLPattern, URLResolver

app_name = "bids"

urlpatterns: list[URLPattern | URLResolver] = []
