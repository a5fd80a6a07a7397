from django.urls import path

from lpse.core.api import views

urlpatterns = [path("calendar/holidays/", views.holidays, name="api-holidays")]
