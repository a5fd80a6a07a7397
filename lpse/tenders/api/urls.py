from django.urls import URLPattern, URLResolver, re_path

from lpse.tenders.api import views

CODE = r"(?P<code>[0-9]{6,20})"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^tenders/$", views.tender_list, name="api-tender-list"),
    re_path(rf"^tenders/{CODE}/$", views.tender_detail, name="api-tender-detail"),
    re_path(rf"^tenders/{CODE}/schedule/$", views.tender_schedule, name="api-tender-schedule"),
    re_path(rf"^tenders/{CODE}/results/$", views.tender_results, name="api-tender-results"),
]
