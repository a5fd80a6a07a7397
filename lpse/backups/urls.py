from django.urls import path

from lpse.backups import views

app_name = "backups"

urlpatterns = [
    path("", views.RunListView.as_view(), name="run_list"),
    path("start/", views.run_start, name="run_start"),
    path("progress/", views.run_progress, name="run_progress"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("drills/", views.DrillListView.as_view(), name="drill_list"),
    path("drills/<int:pk>/", views.drill_detail, name="drill_detail"),
]
