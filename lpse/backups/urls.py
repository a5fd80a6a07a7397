from django.urls import URLPattern, URLResolver

app_name = "backups"

urlpatterns: list[URLPattern | URLResolver] = []
